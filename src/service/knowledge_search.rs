//! Finding and reading knowledge-base articles: the staff's search and reading, the suggestions
//! shown while a ticket is registered, and the customer-facing articles of the portal.
//!
//! A query is prepared like the index (`domain::knowledge::tokens`) and matched in the database's
//! own full-text index (`db::knowledge_search`), ranked by relevance. A search wants every word of
//! the query; a suggestion from a ticket's description wants any of them, the more the better.
//! Readers see published articles only; editors and supervisors may ask for any status. A
//! customer sees only published articles for customers whose scope is everywhere or a region of
//! one of the customer's sites.

use super::knowledge::{one, wire};
use super::Who;
use crate::db::knowledge::{self as store, ArticleRow};
use crate::db::knowledge_search::{self as index, Filter, Match};
use crate::db::{DbConn, Paging};
use crate::domain::knowledge as rules;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::knowledge::Act;
use crate::policy::portal::Contact;
use crate::policy::{self, Action};
use fieldline_mobile_api::{Article, ArticleAudience, ArticleHit, ArticleStatus, Page, PortalArticle};

/// A query uses at most this many of its words.
const QUERY_TERMS: usize = 12;
/// A suggestion looks at this many words of the description.
const SUGGESTION_TERMS: usize = 24;
/// Suggestions shown while registering.
const SUGGESTIONS: i64 = 5;
const QUERY_MAX: usize = 500;
const TEXT_MAX: usize = 4000;
const EXCERPT_CHARS: usize = 160;

/// What the staff's search is asked for.
#[derive(Debug, Default)]
pub struct Searching {
    pub q: Option<String>,
    pub status: Option<ArticleStatus>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn excerpt(body: &str) -> String {
    let mut s: String = body.chars().take(EXCERPT_CHARS).collect();
    if body.chars().count() > EXCERPT_CHARS {
        s.push('…');
    }
    s.replace('\n', " ")
}

fn hits(c: &mut DbConn, found: Vec<(i64, f64)>) -> AppResult<Vec<ArticleHit>> {
    let ids: Vec<i64> = found.iter().map(|h| h.0).collect();
    let rows = store::by_ids(c, &ids)?;
    let links = store::link_counts(c, &ids)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, score) in found {
        let Some(r) = rows.iter().find(|r| r.id == id) else {
            continue;
        };
        out.push(ArticleHit {
            id: r.id.into(),
            kind: r.kind()?,
            title: r.title.clone(),
            excerpt: excerpt(&r.body),
            audience: r.audience()?,
            status: r.status()?,
            score,
            linked_tickets: links.get(&id).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

/// Who may see other statuses than published.
fn sees_drafts(who: &Who) -> bool {
    policy::require(&who.caller, Action::Knowledge(Act::ReadDrafts)).is_ok()
}

/// Searches the articles (with a query: by relevance; without: the latest changed). Readers get
/// published articles; editors and supervisors may ask for another status.
pub fn search(c: &mut DbConn, who: &Who, s: Searching) -> AppResult<Page<ArticleHit>> {
    policy::require(&who.caller, Action::Knowledge(Act::Read))?;
    let status = s.status.unwrap_or(ArticleStatus::Published);
    if status != ArticleStatus::Published && !sees_drafts(who) {
        return Err(AppError::Forbidden(
            "only editors and supervisors read unpublished articles".into(),
        ));
    }
    let paging = Paging::new(s.limit, s.offset)?;
    let q = validate::optional(s.q.as_deref(), |v| validate::text("q", v, QUERY_MAX))?;
    let Some(q) = q else {
        let (rows, total) = store::list(c, Some(status), paging.limit, paging.offset)?;
        let found = rows.iter().map(|r| (r.id, 0.0)).collect();
        return Ok(paging.page(hits(c, found)?, total));
    };
    let terms = rules::query_terms(&q, QUERY_TERMS);
    let filter = Filter {
        statuses: vec![status],
        ..Filter::default()
    };
    // Relevance ranks the whole answer; a page is cut from the best offset + limit.
    let found = index::search(c, &terms, Match::All, &filter, paging.offset + paging.limit)?;
    let total = paging.offset + found.len() as i64;
    let page: Vec<(i64, f64)> = found.into_iter().skip(paging.offset as usize).collect();
    let mut out = paging.page(hits(c, page)?, total);
    out.total_capped = out.items.len() as i64 == paging.limit;
    Ok(out)
}

/// Reads one article: a published one for any reader, another for editors and supervisors.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Article> {
    policy::require(&who.caller, Action::Knowledge(Act::Read))?;
    let a = one(c, id)?;
    if a.status != ArticleStatus::Published && !sees_drafts(who) {
        return Err(AppError::NotFound("no such article".into()));
    }
    Ok(a)
}

/// The articles in a status, latest changed first, in full (the editors' lists).
pub fn list(c: &mut DbConn, who: &Who, status: Option<ArticleStatus>, paging: Paging) -> AppResult<Page<Article>> {
    policy::require(&who.caller, Action::Knowledge(Act::ReadDrafts))?;
    let (rows, total): (Vec<ArticleRow>, i64) = store::list(c, status, paging.limit, paging.offset)?;
    Ok(paging.page(wire(c, rows)?, total))
}

/// Published articles that match a ticket's description as it is typed, best first.
pub fn suggest(c: &mut DbConn, who: &Who, text: &str) -> AppResult<Vec<ArticleHit>> {
    policy::require(&who.caller, Action::Knowledge(Act::Read))?;
    if text.chars().count() > TEXT_MAX {
        return Err(crate::domain::Invalid::too_long("text", TEXT_MAX).into());
    }
    let terms = rules::query_terms(text, SUGGESTION_TERMS);
    let filter = Filter {
        statuses: vec![ArticleStatus::Published],
        ..Filter::default()
    };
    let found = index::search(c, &terms, Match::Any, &filter, SUGGESTIONS)?;
    hits(c, found)
}

// ---------------------------------------------------------------- the portal

/// What a customer may read: published, for customers, everywhere or in one of its regions.
fn customer_filter(c: &mut DbConn, who: &Contact) -> AppResult<Filter> {
    Ok(Filter {
        statuses: vec![ArticleStatus::Published],
        audience: Some(ArticleAudience::Customers),
        regions: Some(store::customer_regions(c, who.customer_id)?),
    })
}

fn portal_article(r: ArticleRow) -> AppResult<PortalArticle> {
    Ok(PortalArticle {
        id: r.id.into(),
        kind: r.kind()?,
        tags: r.tag_list(),
        models: r.model_list(),
        updated_at: store::at(r.updated_at),
        title: r.title,
        body: r.body,
    })
}

/// The customer's search of the articles meant for them (at most 20, best first); without a
/// query, none (the page asks for words).
pub fn portal_search(c: &mut DbConn, who: &Contact, q: Option<&str>) -> AppResult<Vec<PortalArticle>> {
    let Some(q) = validate::optional(q, |v| validate::text("q", v, QUERY_MAX))? else {
        return Ok(Vec::new());
    };
    let filter = customer_filter(c, who)?;
    let found = index::search(c, &rules::query_terms(&q, QUERY_TERMS), Match::All, &filter, 20)?;
    let ids: Vec<i64> = found.iter().map(|h| h.0).collect();
    let rows = store::by_ids(c, &ids)?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(r) = rows.iter().find(|r| r.id == id) {
            out.push(portal_article(r.clone())?);
        }
    }
    Ok(out)
}

/// One article for the customer; "not found" for any it may not read.
pub fn portal_get(c: &mut DbConn, who: &Contact, id: i64) -> AppResult<PortalArticle> {
    let missing = || AppError::NotFound("no such article".into());
    let r = store::get(c, id)?;
    if r.status()? != ArticleStatus::Published || r.audience()? != ArticleAudience::Customers {
        return Err(missing());
    }
    let scope: Vec<i64> = store::regions_of(c, &[id])?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    if !scope.is_empty() {
        let mine = store::customer_regions(c, who.customer_id)?;
        if !scope.iter().any(|r| mine.contains(r)) {
            return Err(missing());
        }
    }
    portal_article(r)
}
