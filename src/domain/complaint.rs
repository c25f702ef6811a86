//! The complaint ladder (seed 001: 投诉处理 · 升级投诉处理 · 申诉处理, each with its process, time
//! limit and control): complaint → escalated → appeal.
//!
//! A level is worked by stating a resolution to the customer within the level's time limit
//! (working time on the business calendar, by customer tier; VIP tiers take the lower bound,
//! 投诉时限执行下限). The customer then confirms it (the complaint is resolved at that level and
//! closed) or refuses it (the complaint climbs one level; a refusal at appeal is final: closed,
//! unresolved at appeal). A level whose limit passes with no resolution stated climbs once to
//! the next level; at appeal a missed limit is recorded and alerted, there is nowhere to climb.
//! Pure; the service records the answers.

use super::report::Window;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    ComplaintAnswer, ComplaintLevel, ComplaintState, ComplaintSubjectKind, ReportComplaintLevel,
    ReportComplaintOutcome, ReportComplaintSubject, ReportComplaints, Tier,
};

/// The longest limit an admin may give a level: 30 days of working minutes.
pub const MAX_LIMIT_MINUTES: i32 = 43_200;

/// A tier's level limits, in working minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub complaint: i32,
    pub escalated: i32,
    pub appeal: i32,
}

impl Limits {
    /// The limit of a level.
    pub fn of(&self, level: ComplaintLevel) -> i32 {
        match level {
            ComplaintLevel::Complaint => self.complaint,
            ComplaintLevel::Escalated => self.escalated,
            ComplaintLevel::Appeal => self.appeal,
        }
    }

    /// Each limit from 1 minute to [`MAX_LIMIT_MINUTES`]; the field named is the first out of range.
    pub fn check(&self) -> Result<(), super::Invalid> {
        for (field, v) in [
            ("complaint_minutes", self.complaint),
            ("escalated_minutes", self.escalated),
            ("appeal_minutes", self.appeal),
        ] {
            if !(1..=MAX_LIMIT_MINUTES).contains(&v) {
                return Err(super::Invalid::new(
                    field,
                    format!("must be from 1 to {MAX_LIMIT_MINUTES} working minutes"),
                ));
            }
        }
        Ok(())
    }
}

/// The shipped limits, in working minutes on the business calendar (the seeds give no figures):
/// a standard customer's complaint gets two working days' hours (16 h), an escalated complaint
/// three (24 h), an appeal five (40 h): each level above looks at the whole case again and may
/// need other departments. VIP tiers take the lower bound (投诉时限执行下限): one working day
/// (8 h), two (16 h), three (24 h). The first level's limit stays under the 24 to 48 hour repair
/// limits, so a complaint about a fault never waits longer than the fault.
pub fn default_limits(tier: Tier) -> Limits {
    const HOUR: i32 = 60;
    if tier.is_vip() {
        Limits {
            complaint: 8 * HOUR,
            escalated: 16 * HOUR,
            appeal: 24 * HOUR,
        }
    } else {
        Limits {
            complaint: 16 * HOUR,
            escalated: 24 * HOUR,
            appeal: 40 * HOUR,
        }
    }
}

/// The level above, none above appeal.
pub fn next(level: ComplaintLevel) -> Option<ComplaintLevel> {
    match level {
        ComplaintLevel::Complaint => Some(ComplaintLevel::Escalated),
        ComplaintLevel::Escalated => Some(ComplaintLevel::Appeal),
        ComplaintLevel::Appeal => None,
    }
}

/// Why a step on the complaint ladder is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Closed: resolved or unresolved.
    Closed,
    /// A resolution was stated; the customer's answer is awaited first.
    AwaitingAnswer,
    /// No resolution was stated at this level yet.
    NoResolution,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::Closed => "the complaint is closed",
            Refusal::AwaitingAnswer => "a resolution was stated at this level: the customer's answer comes first",
            Refusal::NoResolution => "no resolution was stated at this level yet",
        })
    }
}

/// Stating a resolution: only while the level is open.
pub fn state_resolution(state: ComplaintState) -> Result<ComplaintState, Refusal> {
    match state {
        ComplaintState::Open => Ok(ComplaintState::AwaitingAnswer),
        ComplaintState::AwaitingAnswer => Err(Refusal::AwaitingAnswer),
        ComplaintState::Resolved | ComplaintState::Unresolved => Err(Refusal::Closed),
    }
}

/// What the customer's answer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAnswer {
    /// Confirmed: resolved at this level, closed.
    Resolved,
    /// Refused below appeal: the complaint climbs to this level.
    Climb(ComplaintLevel),
    /// Refused at appeal: final, closed unresolved at appeal.
    Unresolved,
}

impl AfterAnswer {
    /// The complaint's state afterwards.
    pub fn state(self) -> ComplaintState {
        match self {
            AfterAnswer::Resolved => ComplaintState::Resolved,
            AfterAnswer::Climb(_) => ComplaintState::Open,
            AfterAnswer::Unresolved => ComplaintState::Unresolved,
        }
    }
}

/// The customer's answer to the resolution stated at `level`: only while it is awaited.
pub fn answer(level: ComplaintLevel, state: ComplaintState, a: ComplaintAnswer) -> Result<AfterAnswer, Refusal> {
    match state {
        ComplaintState::AwaitingAnswer => {}
        ComplaintState::Open => return Err(Refusal::NoResolution),
        ComplaintState::Resolved | ComplaintState::Unresolved => return Err(Refusal::Closed),
    }
    Ok(match (a, next(level)) {
        (ComplaintAnswer::Confirmed, _) => AfterAnswer::Resolved,
        (ComplaintAnswer::Refused, Some(up)) => AfterAnswer::Climb(up),
        (ComplaintAnswer::Refused, None) => AfterAnswer::Unresolved,
    })
}

/// What the scan does with a running level at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// Not past its limit, already recorded, or not running (a resolution stated, closed).
    Nothing,
    /// Past its limit: recorded, and the complaint climbs to this level.
    Climb(ComplaintLevel),
    /// Past its limit at appeal: recorded and alerted, nowhere to climb.
    Alert,
}

/// The scan's decision for a level: once per level, only while it is open with no resolution.
pub fn breach(
    level: ComplaintLevel,
    state: ComplaintState,
    due: DateTime<Utc>,
    breached: bool,
    now: DateTime<Utc>,
) -> Breach {
    if breached || state != ComplaintState::Open || now <= due {
        return Breach::Nothing;
    }
    match next(level) {
        Some(up) => Breach::Climb(up),
        None => Breach::Alert,
    }
}

// ---------------------------------------------------------------- report

/// One level a complaint reached, as the report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFact {
    pub level: ComplaintLevel,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub resolution_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

/// What the report needs of a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFact {
    pub registered_at: DateTime<Utc>,
    pub subject: Option<ComplaintSubjectKind>,
    pub level: ComplaintLevel,
    pub state: ComplaintState,
    pub closed_at: Option<DateTime<Utc>>,
    pub steps: Vec<StepFact>,
}

/// The complaint figures of a period: received (registered in it) by subject; levels reached in
/// it with their limits met (a resolution stated by the due time), missed (stated late, or the
/// limit passed without one) or still open; complaints closed in it by outcome and level.
pub fn report(facts: &[ComplaintFact], w: &Window) -> ReportComplaints {
    let received: Vec<&ComplaintFact> = facts.iter().filter(|f| w.contains(f.registered_at)).collect();
    let by_level = ComplaintLevel::ALL
        .iter()
        .map(|&level| {
            let steps: Vec<&StepFact> = facts
                .iter()
                .flat_map(|f| &f.steps)
                .filter(|s| s.level == level && w.contains(s.started_at))
                .collect();
            let met = steps
                .iter()
                .filter(|s| s.resolution_at.is_some_and(|r| r <= s.due_at))
                .count() as i64;
            let missed = steps
                .iter()
                .filter(|s| match s.resolution_at {
                    Some(r) => r > s.due_at,
                    None => s.breached_at.is_some() || w.now > s.due_at,
                })
                .count() as i64;
            ReportComplaintLevel {
                level,
                reached: steps.len() as i64,
                limit_met: met,
                limit_missed: missed,
                still_open: steps.len() as i64 - met - missed,
            }
        })
        .collect();
    let mut by_subject: Vec<ReportComplaintSubject> = ComplaintSubjectKind::ALL
        .iter()
        .map(|&k| ReportComplaintSubject {
            subject: k.as_str().into(),
            received: received.iter().filter(|f| f.subject == Some(k)).count() as i64,
        })
        .collect();
    let unnamed = received.iter().filter(|f| f.subject.is_none()).count() as i64;
    if unnamed > 0 {
        by_subject.push(ReportComplaintSubject {
            subject: "none".into(),
            received: unnamed,
        });
    }
    let closed: Vec<&ComplaintFact> = facts
        .iter()
        .filter(|f| f.closed_at.is_some_and(|t| w.contains(t)))
        .collect();
    let mut by_outcome: Vec<ReportComplaintOutcome> = ComplaintLevel::ALL
        .iter()
        .map(|&level| (ComplaintState::Resolved, level))
        .chain([(ComplaintState::Unresolved, ComplaintLevel::Appeal)])
        .map(|(outcome, level)| ReportComplaintOutcome {
            outcome,
            level,
            count: closed.iter().filter(|f| f.state == outcome && f.level == level).count() as i64,
        })
        .collect();
    by_outcome.retain(|o| o.outcome == ComplaintState::Resolved || o.level == ComplaintLevel::Appeal);
    ReportComplaints {
        received: received.len() as i64,
        by_level,
        by_subject,
        by_outcome,
    }
}

/// The complaint figures as CSV rows `(section, key, metric, value)`: `complaints` (received),
/// `complaint_level` (key: the level; reached, limit_met, limit_missed, still_open),
/// `complaint_subject` (key: the subject kind; received), `complaint_outcome` (key:
/// `resolved_at_<level>` or `unresolved_at_appeal`; count).
pub fn csv_rows(r: &ReportComplaints) -> Vec<(&'static str, String, &'static str, i64)> {
    let mut out = vec![("complaints", String::new(), "received", r.received)];
    for l in &r.by_level {
        let key = l.level.as_str().to_string();
        out.push(("complaint_level", key.clone(), "reached", l.reached));
        out.push(("complaint_level", key.clone(), "limit_met", l.limit_met));
        out.push(("complaint_level", key.clone(), "limit_missed", l.limit_missed));
        out.push(("complaint_level", key, "still_open", l.still_open));
    }
    for s in &r.by_subject {
        out.push(("complaint_subject", s.subject.clone(), "received", s.received));
    }
    for o in &r.by_outcome {
        let key = format!("{}_at_{}", o.outcome.as_str(), o.level.as_str());
        out.push(("complaint_outcome", key, "count", o.count));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use ComplaintLevel::*;
    use ComplaintState::*;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn vip_tiers_take_the_lower_bound_of_every_level() {
        let standard = default_limits(Tier::Standard);
        for &tier in Tier::ALL.iter().filter(|t| t.is_vip()) {
            let vip = default_limits(tier);
            for &level in ComplaintLevel::ALL {
                assert!(vip.of(level) < standard.of(level), "{tier} {level}");
            }
        }
        // Each level above has more time than the one below.
        for l in [standard, default_limits(Tier::Gold)] {
            assert!(l.complaint < l.escalated && l.escalated < l.appeal);
            assert!(l.check().is_ok());
        }
    }

    #[test]
    fn limits_out_of_range_name_their_field() {
        let bad = Limits {
            complaint: 60,
            escalated: 0,
            appeal: MAX_LIMIT_MINUTES + 1,
        };
        assert_eq!(bad.check().unwrap_err().field, "escalated_minutes");
    }

    #[test]
    fn a_resolution_is_stated_once_per_level_then_answered() {
        assert_eq!(state_resolution(Open), Ok(AwaitingAnswer));
        assert_eq!(state_resolution(AwaitingAnswer), Err(Refusal::AwaitingAnswer));
        assert_eq!(state_resolution(Resolved), Err(Refusal::Closed));
        assert_eq!(
            answer(Complaint, Open, ComplaintAnswer::Confirmed),
            Err(Refusal::NoResolution)
        );
        assert_eq!(
            answer(Escalated, AwaitingAnswer, ComplaintAnswer::Confirmed),
            Ok(AfterAnswer::Resolved)
        );
        assert_eq!(
            answer(Appeal, Unresolved, ComplaintAnswer::Refused),
            Err(Refusal::Closed)
        );
    }

    #[test]
    fn a_refusal_climbs_one_level_and_is_final_at_appeal() {
        let refuse = |l| answer(l, AwaitingAnswer, ComplaintAnswer::Refused).unwrap();
        assert_eq!(refuse(Complaint), AfterAnswer::Climb(Escalated));
        assert_eq!(refuse(Escalated), AfterAnswer::Climb(Appeal));
        assert_eq!(refuse(Appeal), AfterAnswer::Unresolved);
        assert_eq!(refuse(Appeal).state(), Unresolved);
        assert_eq!(refuse(Complaint).state(), Open);
    }

    #[test]
    fn a_missed_limit_climbs_once_and_never_past_appeal() {
        let due = t(8);
        assert_eq!(
            breach(Complaint, Open, due, false, t(8)),
            Breach::Nothing,
            "due is not late"
        );
        assert_eq!(breach(Complaint, Open, due, false, t(9)), Breach::Climb(Escalated));
        assert_eq!(
            breach(Complaint, Open, due, true, t(9)),
            Breach::Nothing,
            "recorded once"
        );
        assert_eq!(breach(Escalated, Open, due, false, t(9)), Breach::Climb(Appeal));
        assert_eq!(breach(Appeal, Open, due, false, t(9)), Breach::Alert);
        assert_eq!(
            breach(Complaint, AwaitingAnswer, due, false, t(9)),
            Breach::Nothing,
            "a stated resolution met the limit"
        );
        assert_eq!(breach(Appeal, Unresolved, due, false, t(9)), Breach::Nothing);
    }

    #[test]
    fn the_report_counts_levels_subjects_and_outcomes() {
        let w = Window {
            from: t(0),
            to: t(24 * 7),
            now: t(24 * 8),
        };
        let step = |level, start: i64, due: i64, res: Option<i64>, br: Option<i64>| StepFact {
            level,
            started_at: t(start),
            due_at: t(due),
            resolution_at: res.map(t),
            breached_at: br.map(t),
        };
        let facts = vec![
            // Resolved at the first level in time.
            ComplaintFact {
                registered_at: t(1),
                subject: Some(ComplaintSubjectKind::Technician),
                level: Complaint,
                state: Resolved,
                closed_at: Some(t(5)),
                steps: vec![step(Complaint, 1, 9, Some(4), None)],
            },
            // Missed the first limit, refused at escalated, unresolved at appeal.
            ComplaintFact {
                registered_at: t(2),
                subject: Some(ComplaintSubjectKind::Ticket),
                level: Appeal,
                state: Unresolved,
                closed_at: Some(t(60)),
                steps: vec![
                    step(Complaint, 2, 10, None, Some(11)),
                    step(Escalated, 11, 30, Some(20), None),
                    step(Appeal, 22, 50, Some(55), None),
                ],
            },
            // Registered before the period, still open at escalated, not due yet.
            ComplaintFact {
                registered_at: t(-50),
                subject: None,
                level: Escalated,
                state: Open,
                closed_at: None,
                steps: vec![
                    step(Complaint, -50, -40, None, Some(-39)),
                    step(Escalated, -39, 24 * 9, None, None),
                ],
            },
        ];
        let r = report(&facts, &w);
        assert_eq!(r.received, 2);
        let lv = |l: ComplaintLevel| {
            let x = r.by_level.iter().find(|x| x.level == l).unwrap();
            (x.reached, x.limit_met, x.limit_missed, x.still_open)
        };
        assert_eq!(lv(Complaint), (2, 1, 1, 0));
        assert_eq!(lv(Escalated), (1, 1, 0, 0));
        assert_eq!(lv(Appeal), (1, 0, 1, 0));
        let subj: Vec<(&str, i64)> = r.by_subject.iter().map(|s| (s.subject.as_str(), s.received)).collect();
        assert_eq!(subj, [("ticket", 1), ("visit", 0), ("technician", 1), ("staff", 0)]);
        let out: Vec<(ComplaintState, ComplaintLevel, i64)> =
            r.by_outcome.iter().map(|o| (o.outcome, o.level, o.count)).collect();
        assert_eq!(
            out,
            [
                (Resolved, Complaint, 1),
                (Resolved, Escalated, 0),
                (Resolved, Appeal, 0),
                (Unresolved, Appeal, 1)
            ]
        );
        let rows = csv_rows(&r);
        assert!(rows.contains(&("complaint_outcome", "unresolved_at_appeal".into(), "count", 1)));
        assert!(rows.contains(&("complaint_level", "complaint".into(), "limit_missed", 1)));
    }
}
