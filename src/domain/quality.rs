//! Quality review (质检) of handled tickets: the rules without I/O.
//!
//! - **The monthly sample.** Each month, `n` of each agent's tickets handled that month (resolved
//!   or closed in it) are drawn for review. The draw is random but reproducible: the candidates
//!   are ordered by a stable hash (FNV-1a, 64 bits) of the month, the agent and the ticket id, so
//!   the same month over the same tickets draws the same ones on any node and in any release.
//!   A ticket already sampled (in any month) is never a candidate again, and an agent who has
//!   `k` tickets of the month in the sample already gets `n - k` more: drawing a month twice adds
//!   nothing.
//! - **The scorecard.** Each criterion is scored 0 to 5; the weighted total is
//!   `Σ weight·score / (5·Σ weight) · 100`, rounded to one decimal (0 to 100).
//! - **Dispute and decision.** A reviewed review may be disputed once, by its agent, with a
//!   reason; a disputed review is decided once, by a reviewer who is neither its first reviewer
//!   nor its agent; a decision is final.
//! - **Faults.** A criterion counts as a fault of a review when the reviewer marked it (a note of
//!   what to correct) or scored it 2 or less; the most common faults come first, ties broken by
//!   the lower average score.

use super::report::Window;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    QualityDecision, QualityFault, QualityReport, QualityReviewStatus, QualityScore, ReportQuality, QUALITY_SCORE_MAX,
};
use std::collections::BTreeMap;

/// The sample size when none is set: three per agent per month, the middle of the seed's "no
/// fewer than one to five per person per month" (每月每人监听不少于1-5次).
pub const DEFAULT_SAMPLE_PER_AGENT: i32 = 3;
/// The most a sample draws per agent per month.
pub const MAX_SAMPLE_PER_AGENT: i32 = 20;
/// A score at or under this counts as a fault even when not marked.
pub const FAULT_SCORE: i32 = 2;

/// FNV-1a, 64 bits: a hash whose value never changes between runs, nodes or releases (std's
/// `DefaultHasher` is seeded at random per process).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The order key of a candidate ticket in a month's draw for an agent.
pub fn draw_key(month: &str, agent: i64, ticket: i64) -> u64 {
    stable_hash(format!("{month}|{agent}|{ticket}").as_bytes())
}

/// The tickets to add to an agent's sample of `month`: `candidates` are the agent's tickets
/// handled in the month and never sampled; `already` how many of the month's are in the sample.
pub fn draw(month: &str, agent: i64, candidates: &[i64], already: usize, n: usize) -> Vec<i64> {
    let want = n.saturating_sub(already);
    let mut keyed: Vec<(u64, i64)> = candidates.iter().map(|t| (draw_key(month, agent, *t), *t)).collect();
    keyed.sort_unstable();
    keyed.dedup_by_key(|k| k.1);
    keyed.into_iter().take(want).map(|(_, t)| t).collect()
}

/// The weighted total of scored criteria (weight, score), 0 to 100; None without weight.
pub fn weighted_total(lines: &[(i32, i32)]) -> Option<f64> {
    let weights: i64 = lines.iter().map(|(w, _)| i64::from(*w)).sum();
    if weights <= 0 {
        return None;
    }
    let got: i64 = lines.iter().map(|(w, s)| i64::from(*w) * i64::from(*s)).sum();
    let total = got as f64 * 100.0 / (weights as f64 * f64::from(QUALITY_SCORE_MAX));
    Some((total * 10.0).round() / 10.0)
}

/// Why a step of a review is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Scored already (or further on).
    NotQueued,
    /// A reviewer does not review their own handling.
    OwnTicket,
    /// Only the review's agent disputes it.
    NotTheAgent,
    /// A review is disputed once, after it was scored and before any decision.
    NotDisputable,
    /// Only a disputed review is decided, and once.
    NotDisputed,
    /// The first reviewer (or the agent) does not decide the dispute.
    SameReviewer,
}

impl Refusal {
    pub fn describe(&self) -> &'static str {
        match self {
            Refusal::NotQueued => "the review is scored already",
            Refusal::OwnTicket => "a reviewer does not review their own tickets",
            Refusal::NotTheAgent => "only the agent whose ticket was reviewed may dispute the review",
            Refusal::NotDisputable => "a review is disputed once, after it was scored and before a decision",
            Refusal::NotDisputed => "only a disputed review is decided, and once: the decision is final",
            Refusal::SameReviewer => "the dispute is decided by a second reviewer, not the first one nor the agent",
        }
    }
}

/// Whether `reviewer` may score a review in `status` of `agent`'s ticket.
pub fn may_score(status: QualityReviewStatus, agent: i64, reviewer: i64) -> Result<(), Refusal> {
    if status != QualityReviewStatus::Queued {
        return Err(Refusal::NotQueued);
    }
    if agent == reviewer {
        return Err(Refusal::OwnTicket);
    }
    Ok(())
}

/// Whether `user` may dispute a review in `status` of `agent`'s ticket.
pub fn may_dispute(status: QualityReviewStatus, disputed_before: bool, agent: i64, user: i64) -> Result<(), Refusal> {
    if user != agent {
        return Err(Refusal::NotTheAgent);
    }
    if status != QualityReviewStatus::Reviewed || disputed_before {
        return Err(Refusal::NotDisputable);
    }
    Ok(())
}

/// Whether `decider` may decide a review in `status`, first scored by `first`, of `agent`'s
/// ticket.
pub fn may_decide(status: QualityReviewStatus, first: Option<i64>, agent: i64, decider: i64) -> Result<(), Refusal> {
    if status != QualityReviewStatus::Disputed {
        return Err(Refusal::NotDisputed);
    }
    if first == Some(decider) || agent == decider {
        return Err(Refusal::SameReviewer);
    }
    Ok(())
}

/// Whether a scored criterion counts as a fault.
pub fn is_fault(s: &QualityScore) -> bool {
    s.fault.as_deref().is_some_and(|f| !f.trim().is_empty()) || s.score <= FAULT_SCORE
}

/// The criteria of these scorecards, the most common faults first (ties: the lower average
/// score first, then by name); criteria never at fault are left out.
pub fn common_faults<'a>(cards: impl IntoIterator<Item = &'a [QualityScore]>) -> Vec<QualityFault> {
    let mut by: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
    for card in cards {
        for s in card {
            let e = by.entry(s.name.as_str()).or_default();
            e.0 += i64::from(is_fault(s));
            e.1 += i64::from(s.score);
            e.2 += 1;
        }
    }
    let mut out: Vec<QualityFault> = by
        .into_iter()
        .filter(|(_, (f, _, _))| *f > 0)
        .map(|(name, (faults, sum, n))| QualityFault {
            criterion: name.to_string(),
            faults,
            average_score: ((sum as f64 / n as f64) * 100.0).round() / 100.0,
        })
        .collect();
    out.sort_by(|a, b| {
        b.faults
            .cmp(&a.faults)
            .then(a.average_score.total_cmp(&b.average_score))
            .then(a.criterion.cmp(&b.criterion))
    });
    out
}

/// The average of totals, one decimal; None of none.
pub fn average(totals: &[f64]) -> Option<f64> {
    if totals.is_empty() {
        return None;
    }
    let avg = totals.iter().sum::<f64>() / totals.len() as f64;
    Some((avg * 10.0).round() / 10.0)
}

/// A review as the service report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewFact {
    pub reviewed_at: Option<DateTime<Utc>>,
    pub total: Option<f64>,
    pub disputed_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision: Option<QualityDecision>,
}

/// The service report's quality section: reviews scored in the window and their average
/// (the totals as they stand now), disputes raised and decided in it, and scores changed.
pub fn report_section(facts: &[ReviewFact], w: &Window) -> ReportQuality {
    let inside = |t: Option<DateTime<Utc>>| t.is_some_and(|t| w.contains(t));
    let done: Vec<f64> = facts
        .iter()
        .filter(|f| inside(f.reviewed_at))
        .filter_map(|f| f.total)
        .collect();
    let decided: Vec<&ReviewFact> = facts.iter().filter(|f| inside(f.decided_at)).collect();
    ReportQuality {
        reviews_done: done.len() as i64,
        average_score: average(&done),
        disputes: facts.iter().filter(|f| inside(f.disputed_at)).count() as i64,
        disputes_decided: decided.len() as i64,
        scores_changed: decided
            .iter()
            .filter(|f| f.decision == Some(QualityDecision::Changed))
            .count() as i64,
    }
}

/// The monthly quality report as CSV (RFC 4180, CRLF line ends), one figure a row of
/// `section,key,label,metric,value` as the service report's: `quality_report` (month,
/// generated_at, sampled, reviewed, average); `agent` and `team` (key: the id, `none` for
/// agents without a team; label: the name; sampled, reviewed, average, lowest, highest, disputes,
/// changed, and `average_<month>` / `reviewed_<month>` for each month of the trend);
/// `agent_fault`, `team_fault` and `fault` (key: the agent or team id; label: the criterion;
/// faults, average_score); `training` (key: the entry id; label: the agent or team; month, text).
pub fn report_csv(r: &QualityReport) -> String {
    use super::report::{field, CSV_HEADER};
    let mut out = format!("{CSV_HEADER}\r\n");
    let mut row = |section: &str, key: &str, label: &str, metric: &str, value: String| {
        let cells = [section, key, label, metric, value.as_str()].map(field);
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    row("quality_report", "", "", "month", r.month.clone());
    row("quality_report", "", "", "generated_at", r.generated_at.to_rfc3339());
    row("quality_report", "", "", "sampled", r.sampled.to_string());
    row("quality_report", "", "", "reviewed", r.reviewed.to_string());
    row("quality_report", "", "", "average", opt(r.average));
    for l in r.agents.iter().chain(&r.teams) {
        let key = l.id.map_or("none".to_string(), |i| i.to_string());
        let s = l.scope.as_str();
        row(s, &key, &l.name, "sampled", l.sampled.to_string());
        row(s, &key, &l.name, "reviewed", l.reviewed.to_string());
        row(s, &key, &l.name, "average", opt(l.average));
        row(s, &key, &l.name, "lowest", opt(l.lowest));
        row(s, &key, &l.name, "highest", opt(l.highest));
        row(s, &key, &l.name, "disputes", l.disputes.to_string());
        row(s, &key, &l.name, "changed", l.changed.to_string());
        for t in &l.trend {
            row(
                s,
                &key,
                &l.name,
                &format!("reviewed_{}", t.month),
                t.reviewed.to_string(),
            );
            row(s, &key, &l.name, &format!("average_{}", t.month), opt(t.average));
        }
        let fs = format!("{s}_fault");
        for f in &l.faults {
            row(&fs, &key, &f.criterion, "faults", f.faults.to_string());
            row(&fs, &key, &f.criterion, "average_score", f.average_score.to_string());
        }
    }
    for f in &r.faults {
        row("fault", "", &f.criterion, "faults", f.faults.to_string());
        row("fault", "", &f.criterion, "average_score", f.average_score.to_string());
    }
    for t in &r.training {
        let who = t.agent_name.clone().or_else(|| t.team_name.clone()).unwrap_or_default();
        let key = t.id.0.to_string();
        row("training", &key, &who, "month", t.month.clone());
        row("training", &key, &who, "text", t.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldline_mobile_api::CriterionId;

    #[test]
    fn the_hash_is_fixed() {
        // FNV-1a's published test values.
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_draw_is_reproducible_and_tops_up_to_n() {
        let candidates: Vec<i64> = (1..=40).collect();
        let a = draw("2026-11", 7, &candidates, 0, 3);
        assert_eq!(a.len(), 3);
        assert_eq!(a, draw("2026-11", 7, &candidates, 0, 3));
        // The order of the candidates as read does not matter.
        let mut reversed = candidates.clone();
        reversed.reverse();
        assert_eq!(a, draw("2026-11", 7, &reversed, 0, 3));
        // Another month or agent draws otherwise (for these forty, at least).
        assert_ne!(a, draw("2026-12", 7, &candidates, 0, 3));
        assert_ne!(a, draw("2026-11", 8, &candidates, 0, 3));
        // Two in already: one more; three in already: none.
        assert_eq!(draw("2026-11", 7, &candidates, 2, 3).len(), 1);
        assert!(draw("2026-11", 7, &candidates, 3, 3).is_empty());
        // Fewer candidates than n: all of them.
        assert_eq!(draw("2026-11", 7, &[5, 6], 0, 3).len(), 2);
    }

    #[test]
    fn the_total_is_weighted() {
        assert_eq!(weighted_total(&[(15, 5), (25, 5), (60, 5)]), Some(100.0));
        assert_eq!(weighted_total(&[(10, 0), (30, 5)]), Some(75.0));
        assert_eq!(weighted_total(&[(1, 3), (2, 4)]), Some(73.3));
        assert_eq!(weighted_total(&[]), None);
    }

    #[test]
    fn a_dispute_is_raised_once_by_the_agent_and_decided_once_by_another_reviewer() {
        use QualityReviewStatus::*;
        assert_eq!(may_score(Queued, 1, 1), Err(Refusal::OwnTicket));
        assert_eq!(may_score(Reviewed, 1, 2), Err(Refusal::NotQueued));
        assert!(may_score(Queued, 1, 2).is_ok());
        assert_eq!(may_dispute(Reviewed, false, 1, 2), Err(Refusal::NotTheAgent));
        assert!(may_dispute(Reviewed, false, 1, 1).is_ok());
        assert_eq!(may_dispute(Disputed, true, 1, 1), Err(Refusal::NotDisputable));
        assert_eq!(may_dispute(Decided, true, 1, 1), Err(Refusal::NotDisputable));
        assert_eq!(may_dispute(Queued, false, 1, 1), Err(Refusal::NotDisputable));
        assert_eq!(may_decide(Disputed, Some(2), 1, 2), Err(Refusal::SameReviewer));
        assert_eq!(may_decide(Disputed, Some(2), 1, 1), Err(Refusal::SameReviewer));
        assert!(may_decide(Disputed, Some(2), 1, 3).is_ok());
        assert_eq!(may_decide(Decided, Some(2), 1, 3), Err(Refusal::NotDisputed));
        assert_eq!(may_decide(Reviewed, Some(2), 1, 3), Err(Refusal::NotDisputed));
    }

    fn score(name: &str, score: i32, fault: Option<&str>) -> QualityScore {
        QualityScore {
            criterion_id: CriterionId(1),
            name: name.into(),
            weight: 10,
            score,
            fault: fault.map(str::to_string),
        }
    }

    #[test]
    fn the_most_common_faults_come_first() {
        let a = vec![
            score("Attitude", 2, None),
            score("Timeliness", 4, Some("late call back")),
        ];
        let b = vec![score("Attitude", 1, None), score("Timeliness", 5, None)];
        let c = vec![score("Attitude", 5, None), score("Timeliness", 3, None)];
        let faults = common_faults([a.as_slice(), b.as_slice(), c.as_slice()]);
        assert_eq!(faults.len(), 2);
        assert_eq!(faults[0].criterion, "Attitude");
        assert_eq!(faults[0].faults, 2);
        assert_eq!(faults[0].average_score, 2.67);
        assert_eq!(faults[1].criterion, "Timeliness");
        assert_eq!(faults[1].faults, 1);
    }

    #[test]
    fn the_report_section_counts_the_window() {
        let t = |h: i64| Some(DateTime::<Utc>::from_timestamp(h * 3600, 0).unwrap());
        let w = Window {
            from: t(10).unwrap(),
            to: t(20).unwrap(),
            now: t(30).unwrap(),
        };
        let facts = vec![
            ReviewFact {
                reviewed_at: t(11),
                total: Some(80.0),
                disputed_at: t(12),
                decided_at: t(13),
                decision: Some(QualityDecision::Changed),
            },
            ReviewFact {
                reviewed_at: t(12),
                total: Some(90.0),
                disputed_at: None,
                decided_at: None,
                decision: None,
            },
            ReviewFact {
                reviewed_at: t(5),
                total: Some(10.0),
                disputed_at: t(15),
                decided_at: None,
                decision: None,
            },
        ];
        let s = report_section(&facts, &w);
        assert_eq!(s.reviews_done, 2);
        assert_eq!(s.average_score, Some(85.0));
        assert_eq!(s.disputes, 2);
        assert_eq!(s.disputes_decided, 1);
        assert_eq!(s.scores_changed, 1);
    }
}
