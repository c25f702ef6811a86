//! The knowledge base's search index: the one place of its backend-specific SQL.
//!
//! The service prepares the tokens (`domain::knowledge::tokens`: Chinese segmented, English
//! stemmed) of an article's title and of its body, tags and models; here they go into SQLite's
//! FTS5 table `kb_search` (rowid = the article's id; ranked by `bm25`, the title weighing 4 times
//! the body) or PostgreSQL's `kb_search.doc` tsvector in the `simple` configuration (title weight
//! A, the rest B; GIN index; ranked by `ts_rank`). Query terms come prepared the same way; they
//! are bound as one parameter, never written into the SQL.

use super::DbConn;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};
use fieldline_mobile_api::{ArticleAudience, ArticleStatus};

/// How the query's terms combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Every term (a search).
    All,
    /// Any term, the more the better (a suggestion from a ticket's description).
    Any,
}

/// Which articles a search may return.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these statuses (the readers: published).
    pub statuses: Vec<ArticleStatus>,
    /// Only articles facing this audience (the portal: customers).
    pub audience: Option<ArticleAudience>,
    /// Only articles for everywhere or for one of these regions (None: any scope).
    pub regions: Option<Vec<i64>>,
}

/// Writes (or rewrites) the article's entry in the index.
pub fn index(c: &mut DbConn, id: i64, title: &str, body: &str) -> QueryResult<()> {
    match c {
        DbConn::Sqlite(s) => {
            diesel::sql_query("DELETE FROM kb_search WHERE rowid = ?")
                .bind::<BigInt, _>(id)
                .execute(s)?;
            diesel::sql_query("INSERT INTO kb_search (rowid, title, body) VALUES (?, ?, ?)")
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(title)
                .bind::<Text, _>(body)
                .execute(s)?;
        }
        DbConn::Pg(p) => {
            diesel::sql_query("DELETE FROM kb_search WHERE article_id = $1")
                .bind::<BigInt, _>(id)
                .execute(p)?;
            diesel::sql_query(
                "INSERT INTO kb_search (article_id, doc) VALUES ($1, \
                 setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B'))",
            )
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(title)
            .bind::<Text, _>(body)
            .execute(p)?;
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// Keeps a term to what the tokenizer makes (letters, digits, Han): nothing else reaches the
/// query language of either backend.
fn clean(term: &str) -> String {
    term.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The filter's conditions on `a` (kb_articles), written from closed values only (statuses and
/// audiences are our own words, regions numbers).
fn conditions(f: &Filter) -> String {
    let mut sql = String::new();
    if !f.statuses.is_empty() {
        let s: Vec<String> = f.statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
        sql.push_str(&format!(" AND a.status IN ({})", s.join(", ")));
    }
    if let Some(a) = f.audience {
        sql.push_str(&format!(" AND a.audience = '{}'", a.as_str()));
    }
    if let Some(regions) = &f.regions {
        let everywhere = "NOT EXISTS (SELECT 1 FROM kb_article_regions r WHERE r.article_id = a.id)";
        if regions.is_empty() {
            sql.push_str(&format!(" AND {everywhere}"));
        } else {
            let ids: Vec<String> = regions.iter().map(i64::to_string).collect();
            sql.push_str(&format!(
                " AND ({everywhere} OR EXISTS (SELECT 1 FROM kb_article_regions r \
                 WHERE r.article_id = a.id AND r.region_id IN ({})))",
                ids.join(", ")
            ));
        }
    }
    sql
}

/// The best `limit` articles for the prepared terms, best first, with their score (higher is
/// better). No terms, no hits.
pub fn search(c: &mut DbConn, terms: &[String], how: Match, f: &Filter, limit: i64) -> QueryResult<Vec<(i64, f64)>> {
    let terms: Vec<String> = terms.iter().map(|t| clean(t)).filter(|t| !t.is_empty()).collect();
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let cond = conditions(f);
    let hits: Vec<Hit> = match c {
        DbConn::Sqlite(s) => {
            let joiner = if how == Match::All { " AND " } else { " OR " };
            let q: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
            let sql = format!(
                "SELECT a.id AS id, -bm25(kb_search, 4.0, 1.0) AS score FROM kb_search \
                 JOIN kb_articles a ON a.id = kb_search.rowid \
                 WHERE kb_search MATCH ?{cond} ORDER BY score DESC, a.id LIMIT {limit}"
            );
            diesel::sql_query(sql).bind::<Text, _>(q.join(joiner)).load(s)?
        }
        DbConn::Pg(p) => {
            let joiner = if how == Match::All { " & " } else { " | " };
            let q: Vec<String> = terms.iter().map(|t| format!("'{t}'")).collect();
            let sql = format!(
                "SELECT a.id AS id, CAST(ts_rank(s.doc, q) AS DOUBLE PRECISION) AS score \
                 FROM kb_search s JOIN kb_articles a ON a.id = s.article_id, \
                 to_tsquery('simple', $1) q WHERE s.doc @@ q{cond} ORDER BY score DESC, a.id LIMIT {limit}"
            );
            diesel::sql_query(sql).bind::<Text, _>(q.join(joiner)).load(p)?
        }
    };
    Ok(hits.into_iter().map(|h| (h.id, h.score)).collect())
}
