//! A page of a list: `limit` and `offset` after defaults and bounds, and loading one page with
//! the count of all matches.

use super::DbConn;
use diesel::dsl::{CountStar, Limit, Offset, Select};
use diesel::prelude::*;
use diesel::query_dsl::methods::{LimitDsl, OffsetDsl, SelectDsl};
use diesel::query_dsl::LoadQuery;

/// `limit`/`offset` after defaults and bounds: 50 by default, at most 200.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
}

impl Paging {
    pub const DEFAULT_LIMIT: i64 = 50;
    pub const MAX_LIMIT: i64 = 200;

    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Paging, crate::error::AppError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(crate::domain::Invalid::out_of_range("limit", 1, Self::MAX_LIMIT).into());
        }
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(
                crate::error::AppError::validation("offset", "must not be negative").because(
                    fieldline_mobile_api::ProblemReason::OutOfRange,
                    serde_json::json!({"min": 0, "max": null}),
                ),
            );
        }
        Ok(Paging { limit, offset })
    }

    /// Counts the rows a filtered query matches and loads this page of them.
    ///
    /// `filtered` builds the query with its filters and nothing else (typically
    /// `table.into_boxed()` and `filter` calls): it is built twice, once to count (an `ORDER BY`
    /// would make PostgreSQL refuse the count) and once to load. `shape` adds to the second one
    /// what the rows need: the order, and the `select` of the row type; this function adds the
    /// limit and offset. Returns the rows of the page and the number of matching rows:
    ///
    /// ```ignore
    /// let query = || {
    ///     let mut q = users::table.into_boxed();
    ///     if let Some(a) = f.active {
    ///         q = q.filter(users::active.eq(a));
    ///     }
    ///     q
    /// };
    /// let (rows, total) = paging.load(conn, query, |q| q.order(users::id).select(UserRow::as_select()))?;
    /// let items: Vec<User> = rows.iter().map(UserRow::to_wire).collect::<AppResult<_>>()?;
    /// Ok(paging.page(items, total))
    /// ```
    pub fn load<Q, P, R>(
        self,
        conn: &mut DbConn,
        filtered: impl Fn() -> Q,
        shape: impl FnOnce(Q) -> P,
    ) -> QueryResult<(Vec<R>, i64)>
    where
        Q: SelectDsl<CountStar>,
        Select<Q, CountStar>: RunQueryDsl<DbConn> + for<'b> LoadQuery<'b, DbConn, i64>,
        P: LimitDsl,
        Limit<P>: OffsetDsl,
        Offset<Limit<P>>: RunQueryDsl<DbConn> + for<'b> LoadQuery<'b, DbConn, R>,
    {
        let total = SelectDsl::select(filtered(), diesel::dsl::count_star()).get_result(conn)?;
        let rows = OffsetDsl::offset(LimitDsl::limit(shape(filtered()), self.limit), self.offset).load(conn)?;
        Ok((rows, total))
    }

    pub fn page<T>(self, items: Vec<T>, total: i64) -> fieldline_mobile_api::Page<T> {
        fieldline_mobile_api::Page {
            items,
            total,
            limit: self.limit,
            offset: self.offset,
            total_capped: false,
        }
    }
}
