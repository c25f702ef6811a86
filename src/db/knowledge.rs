//! The knowledge base's tables: articles, their scope (service regions), versions, ratings and
//! links to tickets. The search index is in `db::knowledge_search`.

use super::schema::{
    kb_article_regions, kb_articles, kb_ratings, kb_ticket_links, kb_versions, service_regions, sites,
};
use super::{ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{ArticleAudience, ArticleKind, ArticleStatus};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = kb_articles)]
pub struct ArticleRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub audience: String,
    pub tags: String,
    pub models: String,
    pub status: String,
    pub version: i32,
    pub author_id: i64,
    pub edited_by: i64,
    pub reviewed_by: Option<i64>,
    pub review_note: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn bad(what: &str, v: &str) -> AppError {
    AppError::internal(format!("stored article {what} {v:?} is not one"))
}

impl ArticleRow {
    pub fn kind(&self) -> AppResult<ArticleKind> {
        ArticleKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))
    }
    pub fn audience(&self) -> AppResult<ArticleAudience> {
        ArticleAudience::parse(&self.audience).ok_or_else(|| bad("audience", &self.audience))
    }
    pub fn status(&self) -> AppResult<ArticleStatus> {
        ArticleStatus::parse(&self.status).ok_or_else(|| bad("status", &self.status))
    }
    pub fn tag_list(&self) -> Vec<String> {
        split_list(&self.tags)
    }
    pub fn model_list(&self) -> Vec<String> {
        split_list(&self.models)
    }
}

/// A comma-separated list as stored.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// An article's text and labels, checked.
#[derive(Debug, Clone)]
pub struct ArticleFields {
    pub kind: ArticleKind,
    pub title: String,
    pub body: String,
    pub audience: ArticleAudience,
    pub regions: Vec<i64>,
    pub tags: Vec<String>,
    pub models: Vec<String>,
}

pub fn get(c: &mut DbConn, id: i64) -> AppResult<ArticleRow> {
    kb_articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::NotFound("no such article".into()))
}

/// The articles with these ids, in no particular order.
pub fn by_ids(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<ArticleRow>> {
    kb_articles::table
        .filter(kb_articles::id.eq_any(ids))
        .select(ArticleRow::as_select())
        .load(c)
}

/// Writes a new draft (version 1) and returns its id.
pub fn insert(c: &mut DbConn, f: &ArticleFields, author: i64, at: DateTime<Utc>) -> QueryResult<i64> {
    let id = diesel::insert_into(kb_articles::table)
        .values((
            kb_articles::kind.eq(f.kind.as_str()),
            kb_articles::title.eq(&f.title),
            kb_articles::body.eq(&f.body),
            kb_articles::audience.eq(f.audience.as_str()),
            kb_articles::tags.eq(f.tags.join(",")),
            kb_articles::models.eq(f.models.join(",")),
            kb_articles::status.eq(ArticleStatus::Draft.as_str()),
            kb_articles::version.eq(1),
            kb_articles::author_id.eq(author),
            kb_articles::edited_by.eq(author),
            kb_articles::created_at.eq(ts(at)),
            kb_articles::updated_at.eq(ts(at)),
        ))
        .returning(kb_articles::id)
        .get_result(c)?;
    set_regions(c, id, &f.regions)?;
    Ok(id)
}

/// Replaces the text and labels: the next version, by `editor`, in `status`.
pub fn update(
    c: &mut DbConn,
    id: i64,
    f: &ArticleFields,
    (editor, version, status): (i64, i32, ArticleStatus),
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(kb_articles::table.find(id))
        .set((
            kb_articles::kind.eq(f.kind.as_str()),
            kb_articles::title.eq(&f.title),
            kb_articles::body.eq(&f.body),
            kb_articles::audience.eq(f.audience.as_str()),
            kb_articles::tags.eq(f.tags.join(",")),
            kb_articles::models.eq(f.models.join(",")),
            kb_articles::status.eq(status.as_str()),
            kb_articles::version.eq(version),
            kb_articles::edited_by.eq(editor),
            kb_articles::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    set_regions(c, id, &f.regions)
}

/// Moves the article to `status`; a review's decision names its reviewer and note.
pub fn set_status(
    c: &mut DbConn,
    id: i64,
    status: ArticleStatus,
    review: Option<(i64, Option<String>)>,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    let published = (status == ArticleStatus::Published).then(|| ts(at));
    diesel::update(kb_articles::table.find(id))
        .set((
            kb_articles::status.eq(status.as_str()),
            kb_articles::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    if let Some(p) = published {
        diesel::update(kb_articles::table.find(id))
            .set(kb_articles::published_at.eq(Some(p)))
            .execute(c)?;
    }
    if let Some((by, note)) = review {
        diesel::update(kb_articles::table.find(id))
            .set((kb_articles::reviewed_by.eq(Some(by)), kb_articles::review_note.eq(note)))
            .execute(c)?;
    }
    Ok(())
}

fn set_regions(c: &mut DbConn, id: i64, regions: &[i64]) -> QueryResult<()> {
    diesel::delete(kb_article_regions::table.filter(kb_article_regions::article_id.eq(id))).execute(c)?;
    for r in regions {
        diesel::insert_into(kb_article_regions::table)
            .values((
                kb_article_regions::article_id.eq(id),
                kb_article_regions::region_id.eq(r),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Each article's regions (id and name), by article.
pub fn regions_of(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<(i64, String)>>> {
    let rows: Vec<(i64, i64, String)> = kb_article_regions::table
        .inner_join(service_regions::table.on(service_regions::id.eq(kb_article_regions::region_id)))
        .filter(kb_article_regions::article_id.eq_any(ids))
        .order((kb_article_regions::article_id, service_regions::name))
        .select((
            kb_article_regions::article_id,
            service_regions::id,
            service_regions::name,
        ))
        .load(c)?;
    let mut out: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (a, r, n) in rows {
        out.entry(a).or_default().push((r, n));
    }
    Ok(out)
}

/// The regions that exist among these ids.
pub fn existing_regions(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    service_regions::table
        .filter(service_regions::id.eq_any(ids))
        .select(service_regions::id)
        .load(c)
}

/// The regions of a customer's sites.
pub fn customer_regions(c: &mut DbConn, customer: i64) -> QueryResult<Vec<i64>> {
    let r: Vec<Option<i64>> = sites::table
        .filter(sites::customer_id.eq(customer))
        .select(sites::region_id)
        .distinct()
        .load(c)?;
    Ok(r.into_iter().flatten().collect())
}

/// Articles in a status (all when None), most recently changed first: a page of them and the total.
pub fn list(
    c: &mut DbConn,
    status: Option<ArticleStatus>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ArticleRow>, i64)> {
    let q = || {
        let mut q = kb_articles::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(kb_articles::status.eq(s.as_str()));
        }
        q
    };
    let total = q().count().get_result(c)?;
    let rows = q()
        .order((kb_articles::updated_at.desc(), kb_articles::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ArticleRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

// ---------------------------------------------------------------- versions

/// One version of the text, as written.
#[derive(Debug, Clone, Queryable)]
pub struct VersionRow {
    pub version: i32,
    pub title: String,
    pub body: String,
    pub note: Option<String>,
    pub edited_by: i64,
    pub edited_at: NaiveDateTime,
}

pub fn add_version(c: &mut DbConn, id: i64, v: &VersionRow) -> QueryResult<()> {
    diesel::insert_into(kb_versions::table)
        .values((
            kb_versions::article_id.eq(id),
            kb_versions::version.eq(v.version),
            kb_versions::title.eq(&v.title),
            kb_versions::body.eq(&v.body),
            kb_versions::note.eq(&v.note),
            kb_versions::edited_by.eq(v.edited_by),
            kb_versions::edited_at.eq(v.edited_at),
        ))
        .execute(c)
        .map(|_| ())
}

/// The article's versions, newest first.
pub fn versions(c: &mut DbConn, id: i64) -> QueryResult<Vec<VersionRow>> {
    kb_versions::table
        .filter(kb_versions::article_id.eq(id))
        .order(kb_versions::version.desc())
        .select((
            kb_versions::version,
            kb_versions::title,
            kb_versions::body,
            kb_versions::note,
            kb_versions::edited_by,
            kb_versions::edited_at,
        ))
        .load(c)
}

// ---------------------------------------------------------------- ratings and links

/// A reader's marks and remark.
#[derive(Debug, Clone, Queryable)]
pub struct RatingRow {
    pub user_id: i64,
    pub accuracy: i32,
    pub readability: i32,
    pub feedback: Option<String>,
    pub rated_at: NaiveDateTime,
}

/// Stores the reader's rating, replacing their last one.
pub fn rate(c: &mut DbConn, id: i64, r: &RatingRow) -> QueryResult<()> {
    diesel::delete(
        kb_ratings::table
            .filter(kb_ratings::article_id.eq(id))
            .filter(kb_ratings::user_id.eq(r.user_id)),
    )
    .execute(c)?;
    diesel::insert_into(kb_ratings::table)
        .values((
            kb_ratings::article_id.eq(id),
            kb_ratings::user_id.eq(r.user_id),
            kb_ratings::accuracy.eq(r.accuracy),
            kb_ratings::readability.eq(r.readability),
            kb_ratings::feedback.eq(&r.feedback),
            kb_ratings::rated_at.eq(r.rated_at),
        ))
        .execute(c)
        .map(|_| ())
}

/// The article's ratings, newest first.
pub fn ratings(c: &mut DbConn, id: i64) -> QueryResult<Vec<RatingRow>> {
    kb_ratings::table
        .filter(kb_ratings::article_id.eq(id))
        .order(kb_ratings::rated_at.desc())
        .select((
            kb_ratings::user_id,
            kb_ratings::accuracy,
            kb_ratings::readability,
            kb_ratings::feedback,
            kb_ratings::rated_at,
        ))
        .load(c)
}

/// Per article: the sums of accuracy and readability and the number of ratings.
pub fn rating_sums(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, (i64, i64, i64)>> {
    let rows: Vec<(i64, i32, i32)> = kb_ratings::table
        .filter(kb_ratings::article_id.eq_any(ids))
        .select((kb_ratings::article_id, kb_ratings::accuracy, kb_ratings::readability))
        .load(c)?;
    let mut out: HashMap<i64, (i64, i64, i64)> = HashMap::new();
    for (a, acc, read) in rows {
        let e = out.entry(a).or_default();
        *e = (e.0 + i64::from(acc), e.1 + i64::from(read), e.2 + 1);
    }
    Ok(out)
}

/// The rated articles, by the mean of both marks, lowest first (ties: more ratings first).
pub fn worst_rated(c: &mut DbConn, limit: usize) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, i32, i32)> = kb_ratings::table
        .select((kb_ratings::article_id, kb_ratings::accuracy, kb_ratings::readability))
        .load(c)?;
    let mut sums: HashMap<i64, (i64, i64)> = HashMap::new();
    for (a, acc, read) in rows {
        let e = sums.entry(a).or_default();
        *e = (e.0 + i64::from(acc + read), e.1 + 2);
    }
    let mut v: Vec<(i64, f64, i64)> = sums
        .into_iter()
        .map(|(a, (s, n))| (a, s as f64 / n as f64, n))
        .collect();
    v.sort_by(|x, y| x.1.total_cmp(&y.1).then(y.2.cmp(&x.2)).then(x.0.cmp(&y.0)));
    Ok(v.into_iter().take(limit).map(|x| x.0).collect())
}

/// Links the ticket to the article; false when it was linked already.
pub fn link_ticket(c: &mut DbConn, id: i64, ticket: i64, by: i64, at: DateTime<Utc>) -> QueryResult<bool> {
    let there: i64 = kb_ticket_links::table
        .filter(kb_ticket_links::article_id.eq(id))
        .filter(kb_ticket_links::ticket_id.eq(ticket))
        .count()
        .get_result(c)?;
    if there > 0 {
        return Ok(false);
    }
    diesel::insert_into(kb_ticket_links::table)
        .values((
            kb_ticket_links::article_id.eq(id),
            kb_ticket_links::ticket_id.eq(ticket),
            kb_ticket_links::linked_by.eq(by),
            kb_ticket_links::linked_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(true)
}

/// Per article: how many tickets it solved.
pub fn link_counts(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<i64> = kb_ticket_links::table
        .filter(kb_ticket_links::article_id.eq_any(ids))
        .select(kb_ticket_links::article_id)
        .load(c)?;
    let mut out = HashMap::new();
    for a in rows {
        *out.entry(a).or_insert(0) += 1;
    }
    Ok(out)
}

pub fn at(t: NaiveDateTime) -> DateTime<Utc> {
    utc(t)
}
