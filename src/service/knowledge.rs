//! The knowledge base's editing: write and change articles (each change a version), the flow
//! through review to publication and retirement (`domain::knowledge`), ratings, and the links to
//! the tickets an article solved. Every change writes its audit event and keeps the search index
//! in step, in the same transaction. Searching and reading are in `service::knowledge_search`.

use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::knowledge::{self as store, ArticleFields, ArticleRow, RatingRow, VersionRow};
use crate::db::knowledge_search as index;
use crate::db::{tickets as ticket_store, ts, users, write, DbConn};
use crate::domain::knowledge::{self as rules, Step};
use crate::domain::{validate, Invalid};
use crate::error::{AppError, AppResult};
use crate::policy::knowledge::Act;
use crate::policy::{self, Action};
use fieldline_mobile_api::{
    Article, ArticleInput, ArticleRating, ArticleRatingInput, ArticleReview, ArticleStatus, ArticleVersion, RegionId,
    UserId,
};

const TITLE_MAX: usize = 200;
const BODY_MAX: usize = 20_000;
const NOTE_MAX: usize = 1000;
const LABELS_MAX: usize = 20;
const LABEL_MAX: usize = 60;

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Knowledge(act))
}

fn labels(field: &str, v: &[String]) -> Result<Vec<String>, Invalid> {
    if v.len() > LABELS_MAX {
        return Err(Invalid::too_long(field, LABELS_MAX));
    }
    let mut out: Vec<String> = Vec::new();
    for l in v {
        let l = validate::text(field, l, LABEL_MAX)?;
        if l.contains(',') {
            return Err(Invalid::new(field, "must not contain a comma"));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

fn fields(c: &mut DbConn, b: &ArticleInput) -> AppResult<ArticleFields> {
    let mut regions: Vec<i64> = b.regions.iter().map(|r| r.0).collect();
    regions.sort_unstable();
    regions.dedup();
    if store::existing_regions(c, &regions)?.len() != regions.len() {
        return Err(AppError::validation("regions", "names a region that does not exist"));
    }
    Ok(ArticleFields {
        kind: b.kind,
        title: validate::text("title", &b.title, TITLE_MAX)?,
        body: validate::multiline("body", &b.body, BODY_MAX)?,
        audience: b.audience,
        regions,
        tags: labels("tags", &b.tags)?,
        models: labels("models", &b.models)?,
    })
}

/// Writes the article's entry in the search index: title apart, body with tags and models.
pub fn reindex(c: &mut DbConn, id: i64, f: &ArticleFields) -> AppResult<()> {
    let rest = format!("{}\n{}\n{}", f.body, f.tags.join(" "), f.models.join(" "));
    index::index(c, id, &rules::indexed(&f.title), &rules::indexed(&rest))?;
    Ok(())
}

/// The article as the staff read it.
pub(crate) fn wire(c: &mut DbConn, rows: Vec<ArticleRow>) -> AppResult<Vec<Article>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let regions = store::regions_of(c, &ids)?;
    let ratings = store::rating_sums(c, &ids)?;
    let links = store::link_counts(c, &ids)?;
    let people: Vec<i64> = rows
        .iter()
        .flat_map(|r| [Some(r.author_id), Some(r.edited_by), r.reviewed_by])
        .flatten()
        .collect();
    let names = users::display_names(c, &people)?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    rows.into_iter()
        .map(|r| {
            let reg = regions.get(&r.id).cloned().unwrap_or_default();
            let (acc, read, n) = ratings.get(&r.id).copied().unwrap_or_default();
            let mean = |s: i64| (n > 0).then(|| s as f64 / n as f64);
            Ok(Article {
                id: r.id.into(),
                kind: r.kind()?,
                audience: r.audience()?,
                status: r.status()?,
                regions: reg.iter().map(|x| RegionId(x.0)).collect(),
                region_names: reg.into_iter().map(|x| x.1).collect(),
                tags: r.tag_list(),
                models: r.model_list(),
                version: r.version,
                author_id: UserId(r.author_id),
                author_name: name(r.author_id),
                edited_by: UserId(r.edited_by),
                edited_by_name: name(r.edited_by),
                reviewed_by_name: r.reviewed_by.map(name),
                review_note: r.review_note.clone(),
                published_at: r.published_at.map(store::at),
                updated_at: store::at(r.updated_at),
                accuracy: mean(acc),
                readability: mean(read),
                ratings: n,
                linked_tickets: links.get(&r.id).copied().unwrap_or(0),
                title: r.title,
                body: r.body,
            })
        })
        .collect()
}

pub(crate) fn one(c: &mut DbConn, id: i64) -> AppResult<Article> {
    let row = store::get(c, id)?;
    wire(c, vec![row])?
        .pop()
        .ok_or_else(|| AppError::internal("an article read back as none"))
}

fn note(v: Option<&str>) -> AppResult<Option<String>> {
    Ok(validate::optional(v, |s| validate::multiline("note", s, NOTE_MAX))?)
}

/// Writes a new article as a draft, version 1.
pub fn create(c: &mut DbConn, who: &Who, b: ArticleInput) -> AppResult<Article> {
    require(who, Act::Write)?;
    let note = note(b.note.as_deref())?;
    let actor = who.actor();
    write(c, |c| {
        let f = fields(c, &b)?;
        let id = store::insert(c, &f, who.caller.id.0, who.at)?;
        let v = VersionRow {
            version: 1,
            title: f.title.clone(),
            body: f.body.clone(),
            note,
            edited_by: who.caller.id.0,
            edited_at: ts(who.at),
        };
        store::add_version(c, id, &v)?;
        reindex(c, id, &f)?;
        let out = one(c, id)?;
        audit::record(c, &actor, "kb_article", id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Replaces the article's text and labels: the next version; an article in review or
/// published goes back to draft (`domain::knowledge::after_edit`).
pub fn update(c: &mut DbConn, who: &Who, id: i64, b: ArticleInput) -> AppResult<Article> {
    require(who, Act::Write)?;
    let note = note(b.note.as_deref())?;
    let actor = who.actor();
    write(c, |c| {
        let before = one(c, id)?;
        let f = fields(c, &b)?;
        let version = before.version + 1;
        let status = rules::after_edit(before.status);
        store::update(c, id, &f, (who.caller.id.0, version, status), who.at)?;
        let v = VersionRow {
            version,
            title: f.title.clone(),
            body: f.body.clone(),
            note,
            edited_by: who.caller.id.0,
            edited_at: ts(who.at),
        };
        store::add_version(c, id, &v)?;
        reindex(c, id, &f)?;
        let out = one(c, id)?;
        audit::record(c, &actor, "kb_article", id, "update", snapshot(&before), snapshot(&out))?;
        Ok(out)
    })
}

fn step(c: &mut DbConn, who: &Who, id: i64, step: Step, review: Option<Option<String>>) -> AppResult<Article> {
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        let from = before.status()?;
        let own_text = before.edited_by == who.caller.id.0;
        let to = rules::next(from, step, own_text).map_err(|r| AppError::Conflict(r.0))?;
        store::set_status(c, id, to, review.map(|n| (who.caller.id.0, n)), who.at)?;
        let out = one(c, id)?;
        let why = serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "note": out.review_note });
        audit::record(c, &actor, "kb_article", id, "status", None, Some(why))?;
        Ok(out)
    })
}

/// Submits a draft for review.
pub fn submit(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Article> {
    require(who, Act::Write)?;
    step(c, who, id, Step::Submit, None)
}

/// A reviewer's decision: approve (publish) or send back to draft with a note.
pub fn review(c: &mut DbConn, who: &Who, id: i64, b: ArticleReview) -> AppResult<Article> {
    require(who, Act::Review)?;
    let n = note(b.note.as_deref())?;
    if !b.approve && n.is_none() {
        return Err(AppError::validation(
            "note",
            "say what the article needs before it can be published",
        ));
    }
    let s = if b.approve { Step::Approve } else { Step::Reject };
    step(c, who, id, s, Some(n))
}

/// Retires a published article.
pub fn retire(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Article> {
    require(who, Act::Retire)?;
    step(c, who, id, Step::Retire, None)
}

/// Brings a retired article back as a draft.
pub fn reopen(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Article> {
    require(who, Act::Retire)?;
    step(c, who, id, Step::Reopen, None)
}

/// The article's versions, newest first.
pub fn versions(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Vec<ArticleVersion>> {
    require(who, Act::ReadDrafts)?;
    store::get(c, id)?;
    let rows = store::versions(c, id)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.edited_by).collect();
    let names = users::display_names(c, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| ArticleVersion {
            edited_by_name: names.get(&r.edited_by).cloned().unwrap_or_default(),
            version: r.version,
            title: r.title,
            body: r.body,
            note: r.note,
            edited_by: UserId(r.edited_by),
            edited_at: store::at(r.edited_at),
        })
        .collect())
}

/// A reader rates a published article (their new rating replaces their last).
pub fn rate(c: &mut DbConn, who: &Who, id: i64, b: ArticleRatingInput) -> AppResult<Article> {
    require(who, Act::Rate)?;
    for (field, v) in [("accuracy", b.accuracy), ("readability", b.readability)] {
        if !rules::MARKS.contains(&v) {
            return Err(Invalid::out_of_range(field, rules::MARKS.start(), rules::MARKS.end()).into());
        }
    }
    let feedback = validate::optional(b.feedback.as_deref(), |s| validate::multiline("feedback", s, NOTE_MAX))?;
    let actor = who.actor();
    write(c, |c| {
        if store::get(c, id)?.status()? != ArticleStatus::Published {
            return Err(AppError::Conflict("only a published article is rated".into()));
        }
        let r = RatingRow {
            user_id: who.caller.id.0,
            accuracy: b.accuracy,
            readability: b.readability,
            feedback,
            rated_at: ts(who.at),
        };
        store::rate(c, id, &r)?;
        let after = serde_json::json!({ "accuracy": r.accuracy, "readability": r.readability });
        audit::record(c, &actor, "kb_article", id, "rate", None, Some(after))?;
        one(c, id)
    })
}

/// The article's ratings and feedback, newest first (editors, supervisors).
pub fn ratings(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Vec<ArticleRating>> {
    require(who, Act::ReadRatings)?;
    store::get(c, id)?;
    let rows = store::ratings(c, id)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let names = users::display_names(c, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| ArticleRating {
            user_name: names.get(&r.user_id).cloned().unwrap_or_default(),
            accuracy: r.accuracy,
            readability: r.readability,
            feedback: r.feedback,
            rated_at: store::at(r.rated_at),
        })
        .collect())
}

/// The rated articles, worst first (the mean of accuracy and readability).
pub fn worst_rated(c: &mut DbConn, who: &Who, limit: Option<i64>) -> AppResult<Vec<Article>> {
    require(who, Act::ReadRatings)?;
    let limit = validate::count("limit", limit.unwrap_or(20), 1..=200)?;
    let ids = store::worst_rated(c, limit as usize)?;
    let rows = store::by_ids(c, &ids)?;
    let mut out = wire(c, rows)?;
    out.sort_by_key(|a| ids.iter().position(|i| *i == a.id.0));
    Ok(out)
}

/// Links a ticket the article solved (once; a second link of the same ticket changes nothing).
pub fn link_ticket(c: &mut DbConn, who: &Who, id: i64, ticket: i64) -> AppResult<Article> {
    require(who, Act::LinkTicket)?;
    let actor = who.actor();
    write(c, |c| {
        if store::get(c, id)?.status()? != ArticleStatus::Published {
            return Err(AppError::Conflict(
                "only a published article is linked to tickets".into(),
            ));
        }
        ticket_store::get(c, ticket).map_err(|_| AppError::validation("ticket_id", "no such ticket"))?;
        if store::link_ticket(c, id, ticket, who.caller.id.0, who.at)? {
            let after = serde_json::json!({ "ticket_id": ticket });
            audit::record(c, &actor, "kb_article", id, "link_ticket", None, Some(after))?;
        }
        one(c, id)
    })
}
