//! Quality review (质检) of handled tickets: the scorecard and the sample's size (admins), the
//! monthly sample (the scheduled job, or a reviewer on demand), scoring, the agent's dispute and
//! the second reviewer's decision (the monthly report and its training plan: `quality_report`).
//! The rules are in `domain::quality`; `docs/rules/quality-review.md` tells them.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::notifications::notify;
use crate::db::quality::{self as store, CriterionFields, Decision, ReviewFilter, ReviewRow};
use crate::db::{org, reports as report_store, tickets, write, DbConn, Paging};
use crate::domain::quality::{self as rules, Refusal};
use crate::domain::report::Period;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::quality::Act;
use crate::policy::{self, Action, Facts};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    DecideDispute, DisputeReview, DrawSample, Page, QualityCriterion, QualityCriterionInput, QualityDecision,
    QualityReview, QualityReviewDetail, QualityReviewStatus, QualityScore, QualityScoreInput, QualitySettings,
    SampleDrawn, ScoreReview, SetQualitySettings, StaffGrant, QUALITY_SCORE_MAX,
};
use std::collections::BTreeMap;

pub(super) fn act(a: Act) -> Action {
    Action::Quality(a)
}

fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::NotTheAgent | Refusal::OwnTicket | Refusal::SameReviewer => AppError::Forbidden(r.describe().into()),
        Refusal::NotQueued | Refusal::NotDisputable | Refusal::NotDisputed => {
            AppError::InvalidTransition(r.describe().into())
        }
    }
}

pub(super) fn month(field: &str, s: &str) -> AppResult<Period> {
    Ok(Period::parse_month(field, s)?)
}

// ---------------------------------------------------------------- scorecard and settings

/// The scorecard's criteria in order, the inactive ones too.
pub fn criteria(c: &mut DbConn, who: &Who) -> AppResult<Vec<QualityCriterion>> {
    policy::require(&who.caller, act(Act::ReadScorecard))?;
    Ok(store::criteria(c, false)?.iter().map(|r| r.to_wire()).collect())
}

fn criterion_fields(b: &QualityCriterionInput, position: i32, active: bool) -> AppResult<CriterionFields> {
    let name = validate::text("name", &b.name, 100)?;
    let description = if b.description.trim().is_empty() {
        String::new()
    } else {
        validate::multiline("description", &b.description, 1000)?
    };
    if !(1..=100).contains(&b.weight) {
        return Err(crate::domain::Invalid::out_of_range("weight", 1, 100).into());
    }
    let position = b.position.unwrap_or(position);
    if !(1..=1000).contains(&position) {
        return Err(crate::domain::Invalid::out_of_range("position", 1, 1000).into());
    }
    Ok(CriterionFields {
        name,
        description,
        weight: b.weight,
        position,
        active: b.active.unwrap_or(active),
    })
}

/// Adds a criterion (after the last one unless placed).
pub fn create_criterion(c: &mut DbConn, who: &Who, b: QualityCriterionInput) -> AppResult<QualityCriterion> {
    policy::require(&who.caller, act(Act::ConfigureScorecard))?;
    let actor = who.actor();
    write(c, |c| {
        let f = criterion_fields(&b, store::last_position(c)? + 1, true)?;
        if store::criterion_named(c, &f.name, None)?.is_some() {
            return Err(AppError::duplicate(
                "name",
                format!("a criterion named {} exists", f.name),
            ));
        }
        let out = store::insert_criterion(c, &f, actor.at)?.to_wire();
        audit::record(c, &actor, "quality_criteria", out.id.0, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Replaces a criterion (its name, description, weight, place, whether active). Past reviews
/// keep the name and weight they were scored with.
pub fn replace_criterion(c: &mut DbConn, who: &Who, id: i64, b: QualityCriterionInput) -> AppResult<QualityCriterion> {
    policy::require(&who.caller, act(Act::ConfigureScorecard))?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_criterion(c, id)?;
        let f = criterion_fields(&b, before.position, before.active)?;
        if store::criterion_named(c, &f.name, Some(id))?.is_some() {
            return Err(AppError::duplicate(
                "name",
                format!("a criterion named {} exists", f.name),
            ));
        }
        let out = store::replace_criterion(c, id, &f, actor.at)?.to_wire();
        if store::criteria(c, true)?.is_empty() {
            return Err(AppError::validation(
                "active",
                "the scorecard keeps at least one active criterion",
            ));
        }
        audit::record(
            c,
            &actor,
            "quality_criteria",
            id,
            "update",
            snapshot(&before.to_wire()),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

fn settings_of(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<QualitySettings> {
    Ok(match store::settings(c)? {
        Some((n, at)) => QualitySettings {
            sample_per_agent: n,
            updated_at: crate::db::utc(at),
        },
        None => QualitySettings {
            sample_per_agent: rules::DEFAULT_SAMPLE_PER_AGENT,
            updated_at: now,
        },
    })
}

pub fn settings(c: &mut DbConn, who: &Who) -> AppResult<QualitySettings> {
    policy::require(&who.caller, act(Act::ReadScorecard))?;
    settings_of(c, who.at)
}

pub fn set_settings(c: &mut DbConn, who: &Who, b: SetQualitySettings) -> AppResult<QualitySettings> {
    policy::require(&who.caller, act(Act::ConfigureScorecard))?;
    if !(1..=rules::MAX_SAMPLE_PER_AGENT).contains(&b.sample_per_agent) {
        return Err(crate::domain::Invalid::out_of_range("sample_per_agent", 1, rules::MAX_SAMPLE_PER_AGENT).into());
    }
    let actor = who.actor();
    write(c, |c| {
        let before = settings_of(c, actor.at)?;
        store::set_settings(c, b.sample_per_agent, who.caller.id.0, actor.at)?;
        let after = settings_of(c, actor.at)?;
        audit::record(
            c,
            &actor,
            "quality_settings",
            1,
            "update",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

// ---------------------------------------------------------------- the sample

/// Draws `period`'s sample: for each agent with handled tickets in the month, tickets never
/// sampled, in the order of `domain::quality::draw`, up to the sample size. Idempotent.
fn draw_month(c: &mut DbConn, actor: &Actor, period: &Period) -> AppResult<SampleDrawn> {
    let label = period.label();
    write(c, |c| {
        let n = settings_of(c, actor.at)?.sample_per_agent;
        let (w, _) = report_store::window(c, period, actor.at)?;
        let mut by_agent: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (agent, ticket) in store::candidates(c, w.from, w.to)? {
            by_agent.entry(agent).or_default().push(ticket);
        }
        let already = store::sampled_per_agent(c, &label)?;
        let agents: Vec<i64> = by_agent.keys().copied().collect();
        let teams = store::teams_of(c, &agents)?;
        let mut drawn = 0i64;
        for (agent, candidates) in &by_agent {
            let had = already.get(agent).copied().unwrap_or(0) as usize;
            for ticket in rules::draw(&label, *agent, candidates, had, n as usize) {
                store::insert_sampled(c, ticket, *agent, teams.get(agent).copied().flatten(), &label, actor.at)?;
                drawn += 1;
            }
        }
        let sampled = store::sampled_per_agent(c, &label)?.values().sum::<i64>();
        let mut with_any: Vec<i64> = already.keys().copied().chain(agents.iter().copied()).collect();
        with_any.sort_unstable();
        with_any.dedup();
        let out = SampleDrawn {
            month: label.clone(),
            sample_per_agent: n,
            agents: with_any.len() as i64,
            drawn,
            sampled,
        };
        if drawn > 0 {
            let reviewers = org::with_grant(c, StaffGrant::Reviewer)?;
            notify(
                c,
                &reviewers,
                None,
                "quality_sample",
                &format!("{drawn} handled tickets of {label} are in the quality review queue"),
                actor.at,
            )?;
            audit::record(c, actor, "quality_samples", 0, "draw", None, snapshot(&out))?;
        }
        Ok(out)
    })
}

/// Draws a month's sample on demand (a month that has ended); drawing it again adds nothing.
pub fn draw(c: &mut DbConn, who: &Who, b: DrawSample) -> AppResult<SampleDrawn> {
    policy::require(&who.caller, act(Act::DrawSample))?;
    let period = month("month", &b.month)?;
    let today = crate::db::revisits::today(c, who.at)?;
    if period.end() > today {
        return Err(AppError::validation("month", "the month has not ended yet"));
    }
    if period.from < today - chrono::Days::new(3660) {
        return Err(AppError::validation("month", "the month is more than ten years ago"));
    }
    draw_month(c, &who.actor(), &period)
}

/// The scheduled draw: last month's sample. Returns (agents examined, tickets drawn).
pub fn scheduled_draw(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<(i64, i64)> {
    let today = crate::db::revisits::today(c, now)?;
    let period = Period::previous(fieldline_mobile_api::ReportKind::Monthly, today);
    let out = draw_month(c, &Actor::system(now), &period)?;
    Ok((out.agents, out.drawn))
}

// ---------------------------------------------------------------- reviews

/// The queue and the reviews (reviewers): filtered by month, status, agent or team.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    f: ReviewFilter,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<QualityReview>> {
    policy::require(&who.caller, act(Act::ReadReviews))?;
    if let Some(m) = &f.month {
        month("month", m)?;
    }
    store::list_reviews(c, &f, Paging::new(limit, offset)?)
}

/// The caller's own reviews that were scored (a queued one is not shown to its agent).
pub fn mine(
    c: &mut DbConn,
    who: &Who,
    month_filter: Option<String>,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<QualityReview>> {
    policy::require(&who.caller, act(Act::ReadOwnReviews))?;
    if let Some(m) = &month_filter {
        month("month", m)?;
    }
    let f = ReviewFilter {
        month: month_filter,
        agent: Some(who.caller.id.0),
        scored_only: true,
        ..ReviewFilter::default()
    };
    store::list_reviews(c, &f, Paging::new(limit, offset)?)
}

fn wire(c: &mut DbConn, row: &ReviewRow) -> AppResult<QualityReview> {
    store::to_wire(c, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| AppError::internal("a review without its wire form"))
}

/// A review with the ticket it reads: a reviewer reads any; its agent reads it once scored.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<QualityReviewDetail> {
    let row = store::get_review(c, id)?;
    let facts = Facts {
        owner: Some(row.agent_id),
        ..Facts::default()
    };
    let as_reviewer = policy::allows(&who.caller, act(Act::ReadReviews), &Facts::default());
    let as_agent = policy::allows(&who.caller, act(Act::ReadOwnReviews), &facts)
        && row.agent_id == who.caller.id.0
        && row.status()? != QualityReviewStatus::Queued;
    if !as_reviewer && !as_agent {
        return Err(AppError::Forbidden(
            "only a reviewer or the review's agent may read it".into(),
        ));
    }
    Ok(QualityReviewDetail {
        review: wire(c, &row)?,
        ticket: store::reviewed_ticket(c, row.ticket_id)?,
        timeline: tickets::events::timeline(c, row.ticket_id)?,
        scorecard: store::criteria(c, true)?.iter().map(|r| r.to_wire()).collect(),
    })
}

/// Reads a scorecard as given against the criteria: each one scored once, 0 to 5.
fn scorecard(
    given: &[QualityScoreInput],
    criteria: &[(i64, String, i32)],
    field: &str,
) -> AppResult<(Vec<QualityScore>, Option<f64>)> {
    let mut out = Vec::new();
    for (i, s) in given.iter().enumerate() {
        let Some((_, name, weight)) = criteria.iter().find(|(id, _, _)| *id == s.criterion_id.0) else {
            return Err(AppError::validation(
                format!("{field}[{i}].criterion_id"),
                format!("criterion {} is not on this scorecard", s.criterion_id),
            ));
        };
        if given[..i].iter().any(|g| g.criterion_id == s.criterion_id) {
            return Err(AppError::validation(
                format!("{field}[{i}].criterion_id"),
                "each criterion is scored once",
            ));
        }
        if !(0..=QUALITY_SCORE_MAX).contains(&s.score) {
            return Err(
                crate::domain::Invalid::out_of_range(format!("{field}[{i}].score"), 0, QUALITY_SCORE_MAX).into(),
            );
        }
        let fault = match s.fault.as_deref().map(str::trim) {
            Some(f) if !f.is_empty() => Some(validate::multiline(&format!("{field}[{i}].fault"), f, 1000)?),
            _ => None,
        };
        out.push(QualityScore {
            criterion_id: s.criterion_id,
            name: name.clone(),
            weight: *weight,
            score: s.score,
            fault,
        });
    }
    if let Some((id, name, _)) = criteria
        .iter()
        .find(|(id, _, _)| !out.iter().any(|s| s.criterion_id.0 == *id))
    {
        return Err(AppError::validation(
            field,
            format!("{name} (criterion {id}) is not scored"),
        ));
    }
    let lines: Vec<(i32, i32)> = out.iter().map(|s| (s.weight, s.score)).collect();
    Ok((out, rules::weighted_total(&lines)))
}

fn optional_text(field: &str, v: Option<&str>, max: usize) -> AppResult<Option<String>> {
    match v.map(str::trim) {
        Some(t) if !t.is_empty() => Ok(Some(validate::multiline(field, t, max)?)),
        _ => Ok(None),
    }
}

/// Scores a queued review on the active criteria; the agent is told.
pub fn score(c: &mut DbConn, who: &Who, id: i64, b: ScoreReview) -> AppResult<QualityReview> {
    policy::require(&who.caller, act(Act::Score))?;
    let comments = optional_text("comments", b.comments.as_deref(), 4000)?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::get_review(c, id)?;
        rules::may_score(row.status()?, row.agent_id, who.caller.id.0).map_err(refused)?;
        let criteria: Vec<(i64, String, i32)> = store::criteria(c, true)?
            .into_iter()
            .map(|r| (r.id, r.name, r.weight))
            .collect();
        let (scores, total) = scorecard(&b.scores, &criteria, "scores")?;
        store::save_score(c, id, who.caller.id.0, &scores, total, comments.as_deref(), actor.at)?;
        let now = store::get_review(c, id)?;
        let after = wire(c, &now)?;
        audit::record(c, &actor, "quality_reviews", id, "score", None, snapshot(&after))?;
        notify(
            c,
            &[row.agent_id],
            Some(row.ticket_id),
            "quality_reviewed",
            &format!(
                "Your handling of {} was reviewed: {}",
                after.ticket_number,
                after.total.map_or("-".into(), |t| format!("{t}"))
            ),
            actor.at,
        )?;
        Ok(after)
    })
}

/// The agent disputes a scored review, once, with a reason; the other reviewers are told.
pub fn dispute(c: &mut DbConn, who: &Who, id: i64, b: DisputeReview) -> AppResult<QualityReview> {
    let reason = validate::multiline("reason", &b.reason, 2000)?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::get_review(c, id)?;
        let facts = Facts {
            owner: Some(row.agent_id),
            ..Facts::default()
        };
        if !policy::allows(&who.caller, act(Act::Dispute), &facts) {
            return Err(refused(Refusal::NotTheAgent));
        }
        rules::may_dispute(row.status()?, row.disputed_at.is_some(), row.agent_id, who.caller.id.0).map_err(refused)?;
        if store::save_dispute(c, id, &reason, actor.at)? != 1 {
            return Err(refused(Refusal::NotDisputable));
        }
        let before = wire(c, &row)?;
        let now = store::get_review(c, id)?;
        let after = wire(c, &now)?;
        audit::record(
            c,
            &actor,
            "quality_reviews",
            id,
            "dispute",
            snapshot(&before),
            snapshot(&after),
        )?;
        let mut deciders = org::with_grant(c, StaffGrant::Reviewer)?;
        deciders.retain(|r| Some(*r) != row.reviewer_id && *r != row.agent_id);
        notify(
            c,
            &deciders,
            Some(row.ticket_id),
            "quality_disputed",
            &format!("{} disputes the review of {}", after.agent_name, after.ticket_number),
            actor.at,
        )?;
        Ok(after)
    })
}

/// A second reviewer decides a dispute, once: upheld, or changed with the scorecard scored
/// again (on the criteria of the first review). The agent and the first reviewer are told.
pub fn decide(c: &mut DbConn, who: &Who, id: i64, b: DecideDispute) -> AppResult<QualityReview> {
    policy::require(&who.caller, act(Act::Decide))?;
    let note = validate::multiline("note", &b.note, 2000)?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::get_review(c, id)?;
        rules::may_decide(row.status()?, row.reviewer_id, row.agent_id, who.caller.id.0).map_err(refused)?;
        let changed = match (b.decision, &b.scores) {
            (QualityDecision::Upheld, Some(_)) => {
                return Err(AppError::validation(
                    "scores",
                    "an upheld review keeps its scores: leave them out",
                ))
            }
            (QualityDecision::Upheld, None) => None,
            (QualityDecision::Changed, None) => {
                return Err(AppError::validation(
                    "scores",
                    "a changed review is scored again: give the scores",
                ))
            }
            (QualityDecision::Changed, Some(given)) => {
                let first = row.scores();
                let criteria: Vec<(i64, String, i32)> = first
                    .iter()
                    .map(|s| (s.criterion_id.0, s.name.clone(), s.weight))
                    .collect();
                let (scores, total) = scorecard(given, &criteria, "scores")?;
                Some((scores, total, row.total))
            }
        };
        let d = Decision {
            decider: who.caller.id.0,
            decision: b.decision,
            note: &note,
            changed,
        };
        if store::save_decision(c, id, &d, actor.at)? != 1 {
            return Err(refused(Refusal::NotDisputed));
        }
        let before = wire(c, &row)?;
        let now = store::get_review(c, id)?;
        let after = wire(c, &now)?;
        audit::record(
            c,
            &actor,
            "quality_reviews",
            id,
            "decide",
            snapshot(&before),
            snapshot(&after),
        )?;
        let mut told = vec![row.agent_id];
        told.extend(row.reviewer_id);
        notify(
            c,
            &told,
            Some(row.ticket_id),
            "quality_decided",
            &format!(
                "The dispute of the review of {} was decided: {}",
                after.ticket_number, b.decision
            ),
            actor.at,
        )?;
        Ok(after)
    })
}
