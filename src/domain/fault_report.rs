//! Fault analysis reports: the review workflow's states, what a report must hold before it goes
//! for review, and the first draft's timeline and impact, made from what the ticket recorded.
//! Pure rules; the caller records what they decide (who may take a step is the policy's).
//!
//! The workflow: draft -> submitted (for review) -> approved (by a reviewer other than the
//! author) or returned (with comments, editable again, then submitted again) -> sent. Approved
//! and sent reports are read-only; a correction is a new revision (a draft copying the content),
//! and the report it corrects stays as it was.

use super::validate;
use super::Invalid;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fieldline_mobile_api::{FaultReportStatus as Status, TicketStatus};

pub const IMPACT_DESCRIPTION_MAX: usize = 4000;
pub const ROOT_CAUSE_MAX: usize = 10_000;
pub const COMMENTS_MAX: usize = 4000;
pub const TIMELINE_MAX: usize = 200;
pub const TIMELINE_TEXT_MAX: usize = 2000;
pub const ACTIONS_MAX: usize = 50;
pub const ACTION_DESCRIPTION_MAX: usize = 2000;
pub const OWNER_NAME_MAX: usize = 200;
/// Contacts of the customer one report may go to (the account manager comes on top).
pub const CONTACTS_MAX: usize = 20;
/// Customers, sites or assets affected, at most.
pub const AFFECTED_MAX: i32 = 1_000_000;
/// One year (365 days) of downtime, at most: 525,600 minutes. A longer outage is not a fault
/// analysis report's matter, and a larger figure is a typing error.
pub const DOWNTIME_MAX_MINUTES: i32 = 365 * 24 * 60;
/// How far ahead an action may be due.
pub const DUE_YEARS_AHEAD: i32 = 5;

/// How far ahead of the server's clock a timeline entry may be (the writer's clock may run fast).
fn skew() -> Duration {
    Duration::minutes(1)
}

/// The status a new report (and a new revision) starts in.
pub const INITIAL: Status = Status::Draft;

/// What a person does to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Change the content.
    Edit,
    /// Hand it in for review.
    Submit,
    /// Accept it (a reviewer other than the author).
    Approve,
    /// Send it back to the author with comments.
    Return,
    /// E-mail it to the account manager and the customer's contacts.
    Send,
    /// Start a corrected revision (a new draft); the report itself does not change.
    Revise,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Edit => "edit",
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::Return => "return",
            Step::Send => "send",
            Step::Revise => "revise",
        }
    }
}

/// Why the report's status does not allow a step (409). Who may take a step is the policy's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotNow { step: Step, status: Status },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotNow { step, status } => match status {
                Status::Approved | Status::Sent if *step == Step::Edit => write!(
                    f,
                    "a report that is {status} is read-only; correct it with a new revision"
                ),
                _ => write!(f, "a report that is {status} cannot {}", step.name()),
            },
        }
    }
}

/// The report's status after the step (unchanged for `Edit`, and for `Revise`, which makes a
/// new report in `INITIAL`), or why the status does not allow it.
pub fn next(status: Status, step: Step) -> Result<Status, Refusal> {
    use Status::*;
    let to = match (status, step) {
        (Draft | Returned, Step::Edit) => Some(status),
        (Draft | Returned, Step::Submit) => Some(Submitted),
        (Submitted, Step::Approve) => Some(Approved),
        (Submitted, Step::Return) => Some(Returned),
        (Approved, Step::Send) => Some(Sent),
        (Approved | Sent, Step::Revise) => Some(status),
        _ => None,
    };
    to.ok_or(Refusal::NotNow { step, status })
}

/// Whether the ticket's fault is over, so that a report can be written: its major fault has
/// ended, or (for a ticket that is not a major fault) it is resolved or closed.
pub fn may_report(ticket: TicketStatus, major_fault_ended: Option<bool>) -> Result<(), String> {
    match major_fault_ended {
        Some(true) => Ok(()),
        Some(false) => Err("the ticket's major fault has not ended yet; end it first".into()),
        None if matches!(ticket, TicketStatus::Resolved | TicketStatus::Closed) => Ok(()),
        None => Err(format!(
            "a report is written after the fault is over: the ticket is {ticket}, not resolved or closed"
        )),
    }
}

// ---------------------------------------------------------------- content

/// Who owns an action: a user of the service or a person named in words (the customer's staff,
/// a supplier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    User(i64),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub description: String,
    pub owner: Owner,
    pub due_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// May be empty while the report is a draft.
    pub description: String,
    pub customers_affected: i32,
    pub sites_affected: i32,
    pub assets_affected: i32,
    pub downtime_minutes: i32,
}

/// Free text that a draft may leave empty: trimmed, bounded, several lines allowed.
fn draft_text(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    validate::multiline(field, value, max)
}

/// A root cause as typed (empty allowed in a draft).
pub fn root_cause(value: &str) -> Result<String, Invalid> {
    draft_text("root_cause", value, ROOT_CAUSE_MAX)
}

/// Review comments: required when returning a report, optional otherwise.
pub fn comments(value: Option<&str>, required: bool) -> Result<Option<String>, Invalid> {
    match value.filter(|v| !v.trim().is_empty()) {
        None if required => Err(Invalid::new(
            "comments",
            "say what must change before the report can be approved",
        )),
        None => Ok(None),
        Some(v) => validate::multiline("comments", v, COMMENTS_MAX).map(Some),
    }
}

fn count(field: &str, v: i32, max: i32) -> Result<i32, Invalid> {
    if (0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(Invalid::new(field, format!("must be between 0 and {max}")))
    }
}

impl Impact {
    pub fn parse(
        description: &str,
        customers_affected: i32,
        sites_affected: i32,
        assets_affected: i32,
        downtime_minutes: i32,
    ) -> Result<Impact, Invalid> {
        Ok(Impact {
            description: draft_text("impact.description", description, IMPACT_DESCRIPTION_MAX)?,
            customers_affected: count("impact.customers_affected", customers_affected, AFFECTED_MAX)?,
            sites_affected: count("impact.sites_affected", sites_affected, AFFECTED_MAX)?,
            assets_affected: count("impact.assets_affected", assets_affected, AFFECTED_MAX)?,
            downtime_minutes: count("impact.downtime_minutes", downtime_minutes, DOWNTIME_MAX_MINUTES)?,
        })
    }
}

/// A handling timeline as edited: each entry's text required and bounded, no entry in the
/// future; kept in time order (entries at the same moment keep their order).
pub fn timeline(entries: Vec<(DateTime<Utc>, String)>, now: DateTime<Utc>) -> Result<Vec<Entry>, Invalid> {
    if entries.len() > TIMELINE_MAX {
        return Err(Invalid::new("timeline", format!("at most {TIMELINE_MAX} entries")));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (i, (at, text)) in entries.into_iter().enumerate() {
        if at > now + skew() {
            return Err(Invalid::new(format!("timeline[{i}].at"), "must not be in the future"));
        }
        validate::moment(&format!("timeline[{i}].at"), at, now)?;
        let text = validate::multiline(&format!("timeline[{i}].text"), &text, TIMELINE_TEXT_MAX)?;
        out.push(Entry { at, text });
    }
    out.sort_by_key(|e| e.at);
    Ok(out)
}

/// An action as given: a description, exactly one owner (a user id or a name) and a due date
/// between the day the ticket was opened and `DUE_YEARS_AHEAD` years from today.
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub description: String,
    pub owner_user_id: Option<i64>,
    pub owner_name: Option<String>,
    pub due_date: NaiveDate,
}

/// Checks a list of actions (`field` is `corrective_actions` or `preventive_actions`). Whether
/// an owner's user id names an active user is for the caller, which has the users.
pub fn actions(
    field: &str,
    given: Vec<ActionInput>,
    opened_on: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Action>, Invalid> {
    if given.len() > ACTIONS_MAX {
        return Err(Invalid::new(field, format!("at most {ACTIONS_MAX} actions")));
    }
    let latest = today
        .checked_add_months(chrono::Months::new(12 * DUE_YEARS_AHEAD as u32))
        .unwrap_or(NaiveDate::MAX);
    given
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let at = |name: &str| format!("{field}[{i}].{name}");
            let description = validate::multiline(&at("description"), &a.description, ACTION_DESCRIPTION_MAX)?;
            let name = a.owner_name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            let owner = match (a.owner_user_id, name) {
                (Some(id), None) => Owner::User(id),
                (None, Some(n)) => Owner::Name(validate::text(&at("owner_name"), n, OWNER_NAME_MAX)?),
                (Some(_), Some(_)) => {
                    return Err(Invalid::new(
                        at("owner_user_id"),
                        "give the owner as a user id or as a name, not both",
                    ))
                }
                (None, None) => {
                    return Err(Invalid::new(
                        at("owner_name"),
                        "give the owner: `owner_user_id` or `owner_name`",
                    ))
                }
            };
            if a.due_date < opened_on {
                return Err(Invalid::new(
                    at("due_date"),
                    format!("must not be before the ticket was opened ({opened_on})"),
                ));
            }
            if a.due_date > latest {
                return Err(Invalid::new(
                    at("due_date"),
                    format!("must be within {DUE_YEARS_AHEAD} years ({latest} at the latest)"),
                ));
            }
            Ok(Action {
                description,
                owner,
                due_date: a.due_date,
            })
        })
        .collect()
}

/// What a report must hold before it goes for review; the first gap is named.
pub struct Content<'a> {
    pub impact: &'a Impact,
    pub timeline: &'a [Entry],
    pub root_cause: &'a str,
    pub corrective: &'a [Action],
    pub preventive: &'a [Action],
}

pub fn check_complete(c: &Content<'_>) -> Result<(), Invalid> {
    let missing = |field: &str, what: &str| Err(Invalid::new(field, format!("{what} before the report is submitted")));
    if c.impact.description.trim().is_empty() {
        return missing("impact.description", "describe the impact");
    }
    if c.timeline.is_empty() {
        return missing("timeline", "give at least one entry of how the fault was handled");
    }
    if c.root_cause.trim().is_empty() {
        return missing("root_cause", "give the root cause");
    }
    if c.corrective.is_empty() {
        return missing("corrective_actions", "give at least one corrective action");
    }
    if c.preventive.is_empty() {
        return missing("preventive_actions", "give at least one preventive action");
    }
    Ok(())
}

// ---------------------------------------------------------------- the first draft

/// Minutes the fault lasted: from the major fault's occurrence to its end, or (without a major
/// fault) from the ticket's opening to its resolution (or closing). None when it is not known.
pub fn downtime_minutes(
    major_fault: Option<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    opened_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
) -> Option<i32> {
    let (from, to) = match major_fault {
        Some((occurred, Some(ended))) => (occurred, ended),
        Some((_, None)) => return None,
        None => (opened_at, resolved_at.or(closed_at)?),
    };
    let minutes = (to - from).num_minutes().clamp(0, DOWNTIME_MAX_MINUTES.into());
    i32::try_from(minutes).ok()
}

/// A ticket event as the draft's timeline reads it.
#[derive(Debug, Clone, Default)]
pub struct EventFacts<'a> {
    pub kind: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// The display name of who did it (None: the service itself).
    pub actor: Option<&'a str>,
    /// For a visit's event, the visit.
    pub visit: Option<VisitFacts<'a>>,
}

/// What a visit adds to its events.
#[derive(Debug, Clone, Copy, Default)]
pub struct VisitFacts<'a> {
    pub technician: Option<&'a str>,
    pub site: Option<&'a str>,
    pub work_notes: Option<&'a str>,
    pub outcome_reason: Option<&'a str>,
}

/// Events that say nothing about how the fault was handled (mail, bookkeeping, the reports
/// themselves).
const NOT_HANDLING: &[&str] = &[
    "mail_queued",
    "mail_skipped",
    "dues_recomputed",
    "sla_alert",
    "dispatch_flagged",
    "onsite_requested",
    "comment",
];

fn words(kind: &str) -> String {
    let text = kind.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn tier_words(tier: Option<&str>) -> &str {
    match tier {
        Some("hotline") => "the hotline",
        Some("remote") => "remote service",
        Some("onsite") => "on-site service",
        Some(other) => other,
        None => "?",
    }
}

/// One line of the draft's timeline for a ticket event, or None for an event that is not part
/// of the handling.
pub fn describe(e: &EventFacts<'_>) -> Option<String> {
    if NOT_HANDLING.contains(&e.kind) || e.kind.starts_with("fault_report") {
        return None;
    }
    let v = e.visit.unwrap_or_default();
    let what = match e.kind {
        "registered" => "Ticket registered".to_string(),
        "started" => "Work started".into(),
        "waiting" => "Waiting on the customer".into(),
        "resumed" => "Work resumed".into(),
        "escalated" => format!("Escalated from {} to {}", tier_words(e.from), tier_words(e.to)),
        "handoff" => "Ticket handed to another owner".into(),
        "assigned" => "Ticket assigned".into(),
        "authorization" => "The customer authorized remote access".into(),
        "callback_requested" => "Callback promised to the customer".into(),
        "callback_done" => "Customer called back".into(),
        "arrived" => "Technician arrived on site".into(),
        "resolved" => "Fault resolved".into(),
        "accepted" => "The customer accepted the result; ticket closed".into(),
        "reopened" => "The customer did not accept the result; work reopened".into(),
        "major_fault" => "Major fault reported; account manager and managers notified".into(),
        "major_fault_updated" => "Handling plan of the major fault updated".into(),
        "major_fault_ended" => "Major fault ended".into(),
        "updated" => "Ticket details changed".into(),
        "sla_breach" => format!("Service-level target missed ({})", e.to.unwrap_or("?")),
        "visit_created" => "On-site visit scheduled".into(),
        "visit_assigned" | "visit_reassigned" => match v.technician {
            Some(t) => format!("Visit assigned to {t}"),
            None => "Visit assigned".into(),
        },
        "visit_unassigned" => "Technician taken off the visit".into(),
        "visit_accepted" => "Technician accepted the visit".into(),
        "visit_declined" => "Technician declined the visit".into(),
        "visit_en_route" => "Technician on the way".into(),
        "visit_checked_in" => match v.site {
            Some(s) => format!("Technician on site at {s}"),
            None => "Technician on site".into(),
        },
        "visit_completed" => match v.work_notes {
            Some(n) => format!("Visit completed. Work done: {n}"),
            None => "Visit completed".into(),
        },
        "visit_failed" => "Visit ended without a fix".into(),
        "visit_needs_revisit" => "Visit ended; another visit is needed".into(),
        other => words(other),
    };
    let mut line = what;
    // A visit's step is the technician's; other steps name whoever took them.
    let by = if e.kind.starts_with("visit_") && !matches!(e.kind, "visit_assigned" | "visit_reassigned") {
        v.technician.or(e.actor)
    } else {
        e.actor
    };
    if let Some(by) = by {
        line.push_str(&format!(" ({by})"));
    }
    if let Some(r) = e.reason.map(str::trim).filter(|r| !r.is_empty()) {
        line.push_str(&format!(": {r}"));
    }
    let mut line: String = line.chars().take(TIMELINE_TEXT_MAX).collect();
    line.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_review_path() {
        let mut s = INITIAL;
        assert_eq!(s, Draft);
        for (step, expect) in [
            (Step::Edit, Draft),
            (Step::Submit, Submitted),
            (Step::Return, Returned),
            (Step::Edit, Returned),
            (Step::Submit, Submitted),
            (Step::Approve, Approved),
            (Step::Send, Sent),
        ] {
            s = next(s, step).unwrap();
            assert_eq!(s, expect, "after {}", step.name());
        }
        assert_eq!(next(Sent, Step::Revise), Ok(Sent), "the report itself stays as it was");
        assert_eq!(next(Approved, Step::Revise), Ok(Approved));
    }

    #[test]
    fn approved_and_sent_reports_are_read_only() {
        for status in [Approved, Sent] {
            let e = next(status, Step::Edit).unwrap_err();
            assert!(matches!(e, Refusal::NotNow { .. }));
            assert!(e.to_string().contains("read-only"), "{e}");
            assert!(next(status, Step::Submit).is_err());
            assert!(next(status, Step::Return).is_err());
        }
        assert!(next(Sent, Step::Send).is_err(), "sent once");
        assert!(next(Submitted, Step::Edit).is_err(), "under review, not editable");
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        for (status, step) in [
            (Draft, Step::Approve),
            (Draft, Step::Return),
            (Draft, Step::Send),
            (Draft, Step::Revise),
            (Returned, Step::Approve),
            (Returned, Step::Send),
            (Submitted, Step::Submit),
            (Submitted, Step::Send),
            (Submitted, Step::Revise),
            (Approved, Step::Approve),
        ] {
            assert_eq!(next(status, step), Err(Refusal::NotNow { step, status }));
        }
    }

    #[test]
    fn a_report_follows_the_end_of_the_fault() {
        assert!(
            may_report(TicketStatus::InProgress, Some(true)).is_ok(),
            "major fault ended"
        );
        assert!(
            may_report(TicketStatus::Closed, Some(false)).is_err(),
            "major fault still open"
        );
        assert!(may_report(TicketStatus::Resolved, None).is_ok());
        assert!(may_report(TicketStatus::Closed, None).is_ok());
        assert!(may_report(TicketStatus::InProgress, None).is_err());
        assert!(may_report(TicketStatus::New, None).is_err());
    }

    fn action(due: &str) -> ActionInput {
        ActionInput {
            description: "Replace the UPS module".into(),
            owner_user_id: None,
            owner_name: Some("Eaton service".into()),
            due_date: d(due),
        }
    }

    #[test]
    fn actions_need_an_owner_and_a_sensible_due_date() {
        let (opened, today) = (d("2026-11-20"), d("2026-11-25"));
        let ok = actions(
            "corrective_actions",
            vec![action("2026-11-20"), action("2026-12-31")],
            opened,
            today,
        )
        .unwrap();
        assert_eq!(ok[0].owner, Owner::Name("Eaton service".into()));
        let field = |given: Vec<ActionInput>| actions("corrective_actions", given, opened, today).unwrap_err().field;
        assert_eq!(
            field(vec![action("2026-12-01"), action("2026-11-19")]),
            "corrective_actions[1].due_date"
        );
        assert_eq!(field(vec![action("2032-01-01")]), "corrective_actions[0].due_date");
        let mut both = action("2026-12-01");
        both.owner_user_id = Some(3);
        assert_eq!(field(vec![both]), "corrective_actions[0].owner_user_id");
        let mut none = action("2026-12-01");
        none.owner_name = Some("  ".into());
        assert_eq!(field(vec![none]), "corrective_actions[0].owner_name");
        let mut by_user = action("2026-12-01");
        by_user.owner_name = None;
        by_user.owner_user_id = Some(3);
        assert_eq!(
            actions("preventive_actions", vec![by_user], opened, today).unwrap()[0].owner,
            Owner::User(3)
        );
        let mut empty = action("2026-12-01");
        empty.description = " ".into();
        assert_eq!(
            actions("preventive_actions", vec![empty], opened, today)
                .unwrap_err()
                .field,
            "preventive_actions[0].description"
        );
    }

    #[test]
    fn a_timeline_is_checked_and_kept_in_time_order() {
        let now = t("2026-11-25T08:00:00Z");
        let got = timeline(
            vec![
                (t("2026-11-20T09:00:00Z"), "Backup feed on".into()),
                (t("2026-11-20T08:40:00Z"), " UPS down ".into()),
            ],
            now,
        )
        .unwrap();
        assert_eq!(got[0].text, "UPS down");
        assert_eq!(got[1].text, "Backup feed on");
        assert_eq!(
            timeline(vec![(now, "ok".into()), (now, "".into())], now)
                .unwrap_err()
                .field,
            "timeline[1].text"
        );
        assert_eq!(
            timeline(vec![(now + Duration::hours(1), "later".into())], now)
                .unwrap_err()
                .field,
            "timeline[0].at"
        );
        let year_one = t("0001-01-01T00:00:00Z");
        assert_eq!(
            timeline(vec![(now, "ok".into()), (year_one, "long ago".into())], now)
                .unwrap_err()
                .field,
            "timeline[1].at"
        );
    }

    #[test]
    fn downtime_is_at_most_a_year() {
        let impact = |minutes| Impact::parse("", 0, 0, 0, minutes);
        assert_eq!(DOWNTIME_MAX_MINUTES, 525_600);
        assert!(impact(525_600).is_ok());
        assert_eq!(impact(525_601).unwrap_err().field, "impact.downtime_minutes");
        assert_eq!(impact(5_000_000).unwrap_err().field, "impact.downtime_minutes");
        assert!(impact(-1).is_err());
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_submission_may_not() {
        let impact = Impact::parse("", 1, 1, 1, 60).unwrap();
        assert_eq!(
            Impact::parse("x", -1, 1, 1, 60).unwrap_err().field,
            "impact.customers_affected"
        );
        assert_eq!(root_cause("   ").unwrap(), "");
        let entry = vec![Entry {
            at: t("2026-11-20T08:40:00Z"),
            text: "UPS down".into(),
        }];
        let act = actions("a", vec![action("2026-12-01")], d("2026-11-20"), d("2026-11-25")).unwrap();
        let full = Impact::parse("Line 1 dark for an hour", 1, 1, 1, 60).unwrap();
        let check = |impact: &Impact, root: &str, c: &[Action], p: &[Action]| {
            check_complete(&Content {
                impact,
                timeline: &entry,
                root_cause: root,
                corrective: c,
                preventive: p,
            })
            .map_err(|e| e.field)
        };
        assert_eq!(check(&impact, "cause", &act, &act), Err("impact.description".into()));
        assert_eq!(check(&full, "", &act, &act), Err("root_cause".into()));
        assert_eq!(check(&full, "cause", &[], &act), Err("corrective_actions".into()));
        assert_eq!(check(&full, "cause", &act, &[]), Err("preventive_actions".into()));
        assert_eq!(check(&full, "cause", &act, &act), Ok(()));
        assert_eq!(comments(None, true).unwrap_err().field, "comments");
        assert_eq!(comments(Some(" "), false), Ok(None));
    }

    #[test]
    fn downtime_runs_from_the_fault_to_its_end() {
        let opened = t("2026-11-20T08:00:00Z");
        let mf = Some((t("2026-11-20T08:40:00Z"), Some(t("2026-11-20T10:10:00Z"))));
        assert_eq!(downtime_minutes(mf, opened, None, None), Some(90));
        assert_eq!(
            downtime_minutes(Some((opened, None)), opened, None, None),
            None,
            "not over yet"
        );
        assert_eq!(
            downtime_minutes(None, opened, Some(t("2026-11-20T12:00:00Z")), None),
            Some(240)
        );
        assert_eq!(downtime_minutes(None, opened, None, None), None);
    }

    #[test]
    fn events_become_timeline_lines() {
        let e = |kind| EventFacts {
            kind,
            actor: Some("Wang Fang"),
            ..EventFacts::default()
        };
        assert_eq!(describe(&e("registered")).unwrap(), "Ticket registered (Wang Fang)");
        assert!(describe(&e("mail_queued")).is_none());
        assert!(describe(&e("fault_report_submitted")).is_none());
        let escalated = EventFacts {
            from: Some("hotline"),
            to: Some("onsite"),
            reason: Some("obvious hardware failure"),
            ..e("escalated")
        };
        assert_eq!(
            describe(&escalated).unwrap(),
            "Escalated from the hotline to on-site service (Wang Fang): obvious hardware failure"
        );
        let completed = EventFacts {
            visit: Some(VisitFacts {
                technician: Some("Li Wei"),
                work_notes: Some("Replaced module 3"),
                ..VisitFacts::default()
            }),
            ..e("visit_completed")
        };
        assert_eq!(
            describe(&completed).unwrap(),
            "Visit completed. Work done: Replaced module 3 (Li Wei)"
        );
        assert_eq!(describe(&e("something_new")).unwrap(), "Something new (Wang Fang)");
    }
}
