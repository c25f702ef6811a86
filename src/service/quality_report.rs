//! The monthly quality report (per agent and per team: scores, the six months' trend, the most
//! common faults) and the training plan entries the reviewers write for it.

use super::quality::{act, month};
use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::notifications::notify;
use crate::db::quality::{self as store, NewTraining, ReviewRow};
use crate::db::{org, write, DbConn};
use crate::domain::quality as rules;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::policy::quality::Act;
use chrono::Months;
use fieldline_mobile_api::{
    NewTrainingEntry, QualityDecision, QualityReport, QualityReportLine, QualityScore, QualityTrendPoint, TrainingEntry,
};
use std::collections::{BTreeMap, HashMap};

/// How many months a report's trend shows: the month and the five before it.
pub const TREND_MONTHS: u32 = 6;

/// Writes a training plan entry for an agent or a team, for a month.
pub fn add_training(c: &mut DbConn, who: &Who, b: NewTrainingEntry) -> AppResult<TrainingEntry> {
    policy::require(&who.caller, act(Act::WriteTraining))?;
    let period = month("month", &b.month)?;
    let text = validate::multiline("text", &b.text, 4000)?;
    let label = period.label();
    let actor = who.actor();
    write(c, |c| {
        match (b.agent_id, b.team_id) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(AppError::validation("agent_id", "name an agent or a team, one of them"))
            }
            (Some(a), None) if !store::user_active(c, a.0)? => {
                return Err(AppError::validation("agent_id", format!("no active user with id {a}")))
            }
            (None, Some(t)) if org::find_team(c, t.0)?.is_none() => {
                return Err(AppError::validation("team_id", format!("no team with id {t}")))
            }
            _ => {}
        }
        let id = store::insert_training(
            c,
            &NewTraining {
                month: &label,
                agent: b.agent_id.map(|a| a.0),
                team: b.team_id.map(|t| t.0),
                author: who.caller.id.0,
                text: &text,
            },
            actor.at,
        )?;
        let out = store::training(c, None, Some(id))?
            .pop()
            .ok_or_else(|| AppError::internal("a training entry not read back"))?;
        audit::record(c, &actor, "quality_training", id, "create", None, snapshot(&out))?;
        if let Some(a) = b.agent_id {
            notify(
                c,
                &[a.0],
                None,
                "quality_training",
                &format!("A training plan entry for {label}"),
                actor.at,
            )?;
        }
        Ok(out)
    })
}

/// One line of the report over the reviews of one agent or team, `months` oldest first (the
/// report's month last).
fn line(
    scope: &str,
    id: Option<i64>,
    name: String,
    team_name: Option<String>,
    rows: &[&ReviewRow],
    months: &[String],
) -> QualityReportLine {
    let this = months.last().cloned().unwrap_or_default();
    let of_month: Vec<&&ReviewRow> = rows.iter().filter(|r| r.month == this).collect();
    let totals: Vec<f64> = of_month.iter().filter_map(|r| r.total).collect();
    let cards: Vec<Vec<QualityScore>> = of_month.iter().map(|r| r.scores()).collect();
    QualityReportLine {
        scope: scope.into(),
        id,
        name,
        team_name,
        sampled: of_month.len() as i64,
        reviewed: totals.len() as i64,
        average: rules::average(&totals),
        lowest: totals.iter().copied().reduce(f64::min),
        highest: totals.iter().copied().reduce(f64::max),
        disputes: of_month.iter().filter(|r| r.disputed_at.is_some()).count() as i64,
        changed: of_month
            .iter()
            .filter(|r| r.decision.as_deref() == Some(QualityDecision::Changed.as_str()))
            .count() as i64,
        trend: months
            .iter()
            .map(|m| {
                let t: Vec<f64> = rows.iter().filter(|r| &r.month == m).filter_map(|r| r.total).collect();
                QualityTrendPoint {
                    month: m.clone(),
                    reviewed: t.len() as i64,
                    average: rules::average(&t),
                }
            })
            .collect(),
        faults: rules::common_faults(cards.iter().map(Vec::as_slice)),
    }
}

/// The monthly quality report: per agent and per team, the month's scores, the trend over the
/// months before, the most common faults, and the month's training plan.
pub fn report(c: &mut DbConn, who: &Who, month_label: &str) -> AppResult<QualityReport> {
    policy::require(&who.caller, act(Act::ReadReport))?;
    let period = month("month", month_label)?;
    let months: Vec<String> = (0..TREND_MONTHS)
        .rev()
        .filter_map(|back| period.from.checked_sub_months(Months::new(back)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let label = period.label();
    let rows = store::reviews_of_months(c, &months)?;
    let mut by_agent: BTreeMap<i64, Vec<&ReviewRow>> = BTreeMap::new();
    let mut by_team: BTreeMap<Option<i64>, Vec<&ReviewRow>> = BTreeMap::new();
    for r in &rows {
        by_agent.entry(r.agent_id).or_default().push(r);
        by_team.entry(r.team_id).or_default().push(r);
    }
    let this: Vec<&ReviewRow> = rows.iter().filter(|r| r.month == label).collect();
    let agent_ids: Vec<i64> = this.iter().map(|r| r.agent_id).collect();
    let names = crate::db::users::display_names(c, &agent_ids)?;
    let team_ids: Vec<i64> = rows.iter().filter_map(|r| r.team_id).collect();
    let teams: HashMap<i64, String> = org::team_names(c, &team_ids)?;
    let team_of: HashMap<i64, Option<i64>> = this.iter().map(|r| (r.agent_id, r.team_id)).collect();
    let team_name = |t: Option<i64>| t.and_then(|t| teams.get(&t).cloned());
    let mut agents: Vec<QualityReportLine> = by_agent
        .iter()
        .filter(|(a, _)| team_of.contains_key(a))
        .map(|(a, rs)| {
            let name = names.get(a).cloned().unwrap_or_else(|| format!("user {a}"));
            line("agent", Some(*a), name, team_name(team_of[a]), rs, &months)
        })
        .collect();
    agents.sort_by(|a, b| a.name.cmp(&b.name));
    let mut team_lines: Vec<QualityReportLine> = by_team
        .iter()
        .filter(|(t, _)| this.iter().any(|r| r.team_id == **t))
        .map(|(t, rs)| {
            let name = team_name(*t).unwrap_or_else(|| "No team".into());
            line("team", *t, name, None, rs, &months)
        })
        .collect();
    team_lines.sort_by(|a, b| (a.id.is_none(), &a.name).cmp(&(b.id.is_none(), &b.name)));
    let totals: Vec<f64> = this.iter().filter_map(|r| r.total).collect();
    let cards: Vec<Vec<QualityScore>> = this.iter().map(|r| r.scores()).collect();
    Ok(QualityReport {
        month: label.clone(),
        generated_at: who.at,
        sampled: this.len() as i64,
        reviewed: totals.len() as i64,
        average: rules::average(&totals),
        agents,
        teams: team_lines,
        faults: rules::common_faults(cards.iter().map(Vec::as_slice)),
        training: store::training(c, Some(&label), None)?,
    })
}
