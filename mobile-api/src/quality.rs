//! Quality review (质检) of handled tickets: the scorecard, the monthly sample, reviews with their
//! dispute and decision, and the monthly quality report with its training plan.

use crate::ids::*;
use crate::types::TicketEvent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// Where a sampled ticket's review stands: `queued` (drawn, waiting for a reviewer),
    /// `reviewed` (scored), `disputed` (the agent disputed the score), `decided` (a second
    /// reviewer upheld or changed it; final).
    QualityReviewStatus {
        Queued => "queued",
        Reviewed => "reviewed",
        Disputed => "disputed",
        Decided => "decided",
    }
);

wire_enum!(
    /// What the second reviewer decided about a dispute.
    QualityDecision {
        Upheld => "upheld",
        Changed => "changed",
    }
);

/// The lowest and highest score of one criterion.
pub const QUALITY_SCORE_MAX: i32 = 5;

/// A criterion of the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityCriterion {
    pub id: CriterionId,
    pub name: String,
    pub description: String,
    /// Its share of the weighted total among the active criteria.
    pub weight: i32,
    /// Its place on the scorecard.
    pub position: i32,
    pub active: bool,
}

/// A criterion as created (`POST /quality/criteria`) or replaced whole (`PUT .../{id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QualityCriterionInput {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 100))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 1000))]
    pub description: String,
    /// 1 to 100.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub weight: i32,
    /// Left out: after the last one (a new criterion), or where it was.
    #[serde(default)]
    pub position: Option<i32>,
    /// Left out: active.
    #[serde(default)]
    pub active: Option<bool>,
}

/// The sample's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualitySettings {
    /// How many handled tickets of each agent a month's sample draws.
    pub sample_per_agent: i32,
    pub updated_at: DateTime<Utc>,
}

/// The sample's settings as set (`PUT /quality/settings`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetQualitySettings {
    /// 1 to 20.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub sample_per_agent: i32,
}

/// A month to draw (`POST /quality/samples`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DrawSample {
    /// `YYYY-MM`, in the business calendar's zone; a month that has ended.
    pub month: String,
}

/// What a draw did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampleDrawn {
    pub month: String,
    pub sample_per_agent: i32,
    /// Agents with handled tickets in the month.
    pub agents: i64,
    /// Tickets added to the queue by this draw (0 when the month was drawn already).
    pub drawn: i64,
    /// Tickets of the month in the queue or reviewed, this draw's included.
    pub sampled: i64,
}

/// One criterion as scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityScore {
    pub criterion_id: CriterionId,
    /// The criterion's name and weight when it was scored.
    pub name: String,
    pub weight: i32,
    /// 0 to 5.
    pub score: i32,
    /// What is wrong and is to be corrected; null: nothing marked.
    pub fault: Option<String>,
}

/// One criterion's score as given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QualityScoreInput {
    pub criterion_id: CriterionId,
    /// 0 to 5.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 5))]
    pub score: i32,
    /// What is wrong, to be corrected at once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 1000))]
    pub fault: Option<String>,
}

/// A review as saved (`POST /quality/reviews/{id}/score`): every active criterion once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreReview {
    pub scores: Vec<QualityScoreInput>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub comments: Option<String>,
}

/// The agent's dispute (`POST /quality/reviews/{id}/dispute`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputeReview {
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub reason: String,
}

/// A second reviewer's decision (`POST /quality/reviews/{id}/decide`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecideDispute {
    pub decision: QualityDecision,
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub note: String,
    /// With `changed`: the scorecard scored again (every criterion of the review once).
    #[serde(default)]
    pub scores: Option<Vec<QualityScoreInput>>,
}

/// A sampled ticket and its review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReview {
    pub id: ReviewId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub ticket_title: String,
    /// The ticket's owner, whose handling is reviewed.
    pub agent_id: UserId,
    pub agent_name: String,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    pub status: QualityReviewStatus,
    pub sampled_at: DateTime<Utc>,
    pub reviewer_id: Option<UserId>,
    pub reviewer_name: Option<String>,
    pub scores: Vec<QualityScore>,
    /// The weighted total, 0 to 100 (after a changed decision, the changed one).
    pub total: Option<f64>,
    pub comments: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub dispute_reason: Option<String>,
    pub disputed_at: Option<DateTime<Utc>>,
    pub decider_id: Option<UserId>,
    pub decider_name: Option<String>,
    pub decision: Option<QualityDecision>,
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The first reviewer's total, when a decision changed it.
    pub first_total: Option<f64>,
    pub version: i32,
}

/// The handled ticket as the reviewer reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewedTicket {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub channel: String,
    pub priority: String,
    pub status: String,
    pub ladder_tier: String,
    pub customer_name: String,
    pub contact_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub breached: bool,
}

/// A review with what it reads: the ticket, its timeline (replies and contacts included) and
/// the scorecard to score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReviewDetail {
    pub review: QualityReview,
    pub ticket: ReviewedTicket,
    pub timeline: Vec<TicketEvent>,
    /// The active criteria, in order (what a queued review is scored on).
    pub scorecard: Vec<QualityCriterion>,
}

/// A training plan entry as written (`POST /quality/training`): for an agent or a team.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTrainingEntry {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(default)]
    pub agent_id: Option<UserId>,
    #[serde(default)]
    pub team_id: Option<TeamId>,
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingEntry {
    pub id: TrainingEntryId,
    pub month: String,
    pub agent_id: Option<UserId>,
    pub agent_name: Option<String>,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    pub author_id: UserId,
    pub author_name: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// One month of an agent's or a team's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityTrendPoint {
    pub month: String,
    pub reviewed: i64,
    pub average: Option<f64>,
}

/// How a criterion fared: how often it was marked as a fault (or scored 2 or less) and its
/// average score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityFault {
    pub criterion: String,
    pub faults: i64,
    pub average_score: f64,
}

/// An agent's or a team's line of the monthly quality report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReportLine {
    /// `agent` or `team`.
    pub scope: String,
    /// The agent's or the team's id; null for agents without a team.
    pub id: Option<i64>,
    pub name: String,
    /// The agent's team, for an agent's line.
    pub team_name: Option<String>,
    pub sampled: i64,
    pub reviewed: i64,
    /// The average weighted total, 0 to 100.
    pub average: Option<f64>,
    pub lowest: Option<f64>,
    pub highest: Option<f64>,
    pub disputes: i64,
    pub changed: i64,
    /// The month and the months before it, oldest first.
    pub trend: Vec<QualityTrendPoint>,
    /// The most common faults first.
    pub faults: Vec<QualityFault>,
}

/// The monthly quality report (`GET /quality/report?month=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReport {
    pub month: String,
    pub generated_at: DateTime<Utc>,
    pub sampled: i64,
    pub reviewed: i64,
    pub average: Option<f64>,
    pub agents: Vec<QualityReportLine>,
    pub teams: Vec<QualityReportLine>,
    /// The whole month's most common faults.
    pub faults: Vec<QualityFault>,
    pub training: Vec<TrainingEntry>,
}

/// The quality section of the weekly and monthly service report: reviews done in the period,
/// their average, and the disputes raised and decided.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportQuality {
    pub reviews_done: i64,
    pub average_score: Option<f64>,
    pub disputes: i64,
    pub disputes_decided: i64,
    pub scores_changed: i64,
}
