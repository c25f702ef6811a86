//! Service reports: the weekly service summary and the monthly service supervision report.
//!
//! Periods are runs of whole days in the business calendar's zone: an ISO week, a calendar
//! month, or any chosen run of at most [`MAX_DAYS`] days. The figures come from plain facts
//! gathered by the database layer; every rule about them is here.
//!
//! **SLA clocks.** A ticket has a response, an on-site arrival, a resolution and a callback
//! clock, each with a stored due time (`sla.rs` computes them: business hours, pauses). A clock
//! counts in the period its outcome was settled in: when met on time, the moment it was met;
//! when missed, its due time (the moment it broke), whether it was met later or not yet. So each
//! clock counts once, in one period. A clock not met by a ticket that was resolved before it was
//! due (an arrival never recorded) does not count. Durations are wall-clock minutes from the
//! clock's start to the moment it was met; met % compares that moment with the due time.
//!
//! **First-contact resolution.** A closed ticket was resolved at first contact when it never
//! left the hotline tier, no callback was promised, and the customer never refused the result.
//!
//! **Quotes.** A quote counts as made in the period it was made in, and as approved or declined
//! in the period its answer was recorded in.
//!
//! **Intake by channel.** Every channel of `Channel`, in its order, those without tickets too:
//! the tickets received in the period by it, its share of all received, and its tickets'
//! response clocks settled in the period (as the SLA figures count them) with how many were met
//! (for an e-mail: answered within the first working day).
//!
//! **Percentiles** interpolate linearly between the two nearest ranks (the median of 10, 20, 30,
//! 40 is 25; their 90th percentile is 37).

use super::cadence::IsoWeek;
use super::escalation::late;
use super::revisit::UNSATISFIED_MAX_SCORE;
use super::Invalid;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use fieldline_mobile_api::{
    Channel, LadderTier, QuoteStatus, ReportAgent, ReportClock, ReportEscalations, ReportGroup, ReportIntake,
    ReportKind, ReportMajorFault, ReportMajorFaults, ReportQuotes, ReportRevisits, ReportSatisfaction, ReportSla,
    ReportTechnician, ReportTickets, RequestKind, ServiceReport, Tier, UserId, VisitStatus,
};
use std::collections::{BTreeMap, HashMap};

/// The longest chosen period, in days.
pub const MAX_DAYS: i64 = 366;
/// A score at or above this is satisfied.
pub const SATISFIED_MIN_SCORE: i32 = 4;
/// Major faults listed at most.
pub const MAX_FAULTS_LISTED: usize = 100;

// ---------------------------------------------------------------- periods

/// A run of whole local days, `from` to `to` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: ReportKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn date(field: &str, s: Option<&str>) -> Result<NaiveDate, Invalid> {
    let s = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Invalid::new(field, "give the date as YYYY-MM-DD"))?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Invalid::new(field, format!("`{s}` is not a date such as 2026-11-16")))
}

impl Period {
    /// A chosen run of days: both ends required, `to` not before `from`, at most [`MAX_DAYS`].
    pub fn custom(from: Option<&str>, to: Option<&str>) -> Result<Period, Invalid> {
        let from = date("from", from)?;
        let to = date("to", to)?;
        if to < from {
            return Err(Invalid::new("to", "must not be before `from`"));
        }
        if (to - from).num_days() + 1 > MAX_DAYS {
            return Err(Invalid::new("to", format!("a period is at most {MAX_DAYS} days")));
        }
        Ok(Period {
            kind: ReportKind::Custom,
            from,
            to,
        })
    }

    /// The period's days are plausible days (`validate::date`), checked against `today`; the
    /// field named is the query parameter the period came from.
    pub fn plausible(&self, today: NaiveDate) -> Result<(), Invalid> {
        let (first, last) = match self.kind {
            ReportKind::Custom => ("from", "to"),
            ReportKind::Weekly => ("week", "week"),
            _ => ("month", "month"),
        };
        super::validate::date(first, self.from, today)?;
        super::validate::date(last, self.to, today)?;
        Ok(())
    }

    /// An ISO week, Monday to Sunday.
    pub fn week(w: IsoWeek) -> Period {
        Period {
            kind: ReportKind::Weekly,
            from: w.monday(),
            to: w.sunday(),
        }
    }

    /// The calendar month a day falls in.
    pub fn month_of(day: NaiveDate) -> Period {
        let from = day.with_day(1).unwrap_or(day);
        let to = from
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        Period {
            kind: ReportKind::Monthly,
            from,
            to,
        }
    }

    /// Parses `YYYY-MM` (`2026-11`).
    pub fn parse_month(field: &str, s: &str) -> Result<Period, Invalid> {
        let bad = || Invalid::new(field, format!("`{s}` is not a month such as 2026-11"));
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let first =
            NaiveDate::from_ymd_opt(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, 1).ok_or_else(bad)?;
        Ok(Period::month_of(first))
    }

    /// The period of a kind that starts on `start` (weekly or monthly).
    pub fn starting(kind: ReportKind, start: NaiveDate) -> Period {
        match kind {
            ReportKind::Weekly => Period::week(IsoWeek::of(start)),
            _ => Period::month_of(start),
        }
    }

    /// The last complete weekly or monthly period before `today`.
    pub fn previous(kind: ReportKind, today: NaiveDate) -> Period {
        let current = Period::starting(kind, today);
        Period::starting(kind, current.from.pred_opt().unwrap_or(current.from))
    }

    /// The next period of the same kind.
    pub fn next(&self) -> Period {
        Period::starting(self.kind, self.to.succ_opt().unwrap_or(self.to))
    }

    /// `2026-W47`, `2026-11`, or `2026-11-01..2026-11-30`.
    pub fn label(&self) -> String {
        match self.kind {
            ReportKind::Weekly => IsoWeek::of(self.from).to_string(),
            ReportKind::Monthly => self.from.format("%Y-%m").to_string(),
            ReportKind::Custom => format!("{}..{}", self.from, self.to),
        }
    }

    /// The day after the last.
    pub fn end(&self) -> NaiveDate {
        self.to.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX)
    }
}

/// The weekly or monthly periods the mailing job owes on `today`: the last complete one, and
/// when earlier ones were sent, every period from the latest one sent (included: some of its
/// recipients may still be owed it) on; at most `max`, the latest ones.
pub fn due_periods(kind: ReportKind, today: NaiveDate, last_sent: Option<NaiveDate>, max: usize) -> Vec<Period> {
    let previous = Period::previous(kind, today);
    let Some(last) = last_sent else {
        return vec![previous];
    };
    let mut out = Vec::new();
    let mut p = Period::starting(kind, last);
    while p.from <= previous.from {
        out.push(p);
        p = p.next();
    }
    let skip = out.len().saturating_sub(max.max(1));
    out.split_off(skip)
}

// ---------------------------------------------------------------- figures

/// The instants of a period, and now (clocks due after now are not settled yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl Window {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }

    fn has(&self, t: Option<DateTime<Utc>>) -> bool {
        t.is_some_and(|t| self.contains(t))
    }
}

/// One SLA clock of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    /// When it started; None when not on record (the callback).
    pub start: Option<DateTime<Utc>>,
    /// None: the ticket has no such clock.
    pub due: Option<DateTime<Utc>>,
    pub met: Option<DateTime<Utc>>,
}

/// How a clock settled within a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub on_time: bool,
    /// Not met yet.
    pub still_open: bool,
    /// From start to met.
    pub minutes: Option<f64>,
}

impl Clock {
    /// The outcome when the clock settled within the window; `resolved` is when the ticket was
    /// resolved, if it is.
    pub fn outcome(&self, w: &Window, resolved: Option<DateTime<Utc>>) -> Option<Outcome> {
        let due = self.due?;
        let settled = match self.met {
            Some(m) if !late(due, m) => m,
            Some(_) => due,
            // Resolved before it was due: the clock no longer runs.
            None if resolved.is_some_and(|r| !late(due, r)) => return None,
            None if !late(due, w.now) => return None,
            None => due,
        };
        if !w.contains(settled) {
            return None;
        }
        let minutes = match (self.start, self.met) {
            (Some(s), Some(m)) => Some((m - s).num_seconds().max(0) as f64 / 60.0),
            _ => None,
        };
        Some(Outcome {
            on_time: self.met.is_some_and(|m| !late(due, m)),
            still_open: self.met.is_none() && resolved.is_none(),
            minutes,
        })
    }
}

/// What the report needs of a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketFacts {
    pub id: i64,
    pub channel: Channel,
    pub kind: RequestKind,
    pub tier: Tier,
    pub region: Option<i64>,
    /// The first responder (after any handoff).
    pub owner: i64,
    pub ladder_tier: LadderTier,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// A callback was promised (the question could not be answered on the call).
    pub callback_requested: bool,
    /// The customer refused the result at least once.
    pub refused: bool,
    /// Closed after the customer did not answer, without their acceptance.
    pub closed_without_answer: bool,
    pub response: Clock,
    pub departure: Clock,
    pub arrival: Clock,
    pub resolution: Clock,
    pub callback: Clock,
}

impl TicketFacts {
    fn clocks(&self) -> [&Clock; 5] {
        [
            &self.response,
            &self.departure,
            &self.arrival,
            &self.resolution,
            &self.callback,
        ]
    }
}

/// Whether a closed ticket was resolved at first contact.
pub fn first_contact_resolved(t: &TicketFacts) -> bool {
    t.closed_at.is_some()
        && !t.closed_without_answer
        && t.ladder_tier == LadderTier::Hotline
        && !t.callback_requested
        && !t.refused
}

/// An escalation up the ladder in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationFact {
    pub to: LadderTier,
    pub skipped_tier: bool,
    /// Made by the service when a tier's time limit passed.
    pub automatic: bool,
}

/// A major fault that was open at some time in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct MajorFaultFact {
    pub reported_at: DateTime<Utc>,
    pub fault: ReportMajorFault,
}

/// A revisit done in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevisitFact {
    pub done_by: Option<i64>,
    pub reached: bool,
    pub opened_ticket: bool,
}

/// A satisfaction score (1 to 5) given in the period, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SatisfactionSample {
    pub source: &'static str,
    pub score: i32,
}

/// A visit finished (completed, failed or needing another visit) in the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisitFact {
    pub technician: i64,
    pub status: VisitStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub window_end: DateTime<Utc>,
    pub minutes_on_site: Option<i32>,
}

/// A quote made in the period, or whose answer was recorded in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteFact {
    pub made_in_period: bool,
    /// Its answer, when recorded in the period.
    pub answered_in_period: Option<QuoteStatus>,
}

/// Everything a report is made of.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub tickets: Vec<TicketFacts>,
    pub escalations: Vec<EscalationFact>,
    pub major_faults: Vec<MajorFaultFact>,
    pub revisits: Vec<RevisitFact>,
    pub satisfaction: Vec<SatisfactionSample>,
    pub visits: Vec<VisitFact>,
    pub quotes: Vec<QuoteFact>,
    /// Complaints open at some time in the period, with their levels.
    pub complaints: Vec<super::complaint::ComplaintFact>,
    /// Chases made in the period.
    pub chases: Vec<super::stall::ChaseFact>,
    /// Tickets cancelled in the period (not closures: counted apart).
    pub cancelled: i64,
    /// Quality reviews scored, disputed or decided in the period.
    pub quality: Vec<super::quality::ReviewFact>,
    /// Display names of the users named above.
    pub names: HashMap<i64, String>,
    /// Names of the regions named above.
    pub regions: HashMap<i64, String>,
}

/// What a report is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub period: Period,
    pub window: Window,
    pub time_zone: String,
    pub account_manager: Option<i64>,
}

/// Rounds to `places` decimals.
fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// `part / whole` in percent, one decimal; None when whole is 0.
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round(part as f64 * 100.0 / whole as f64, 1))
}

/// The p-th quantile (0 to 1) by linear interpolation between the nearest ranks; None when empty.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let rank = p.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (rank - lo as f64))
}

/// The figures of clocks that may have settled in the window.
pub fn clock_figures<'a>(
    clocks: impl IntoIterator<Item = (&'a Clock, Option<DateTime<Utc>>)>,
    w: &Window,
) -> ReportClock {
    let outcomes: Vec<Outcome> = clocks.into_iter().filter_map(|(c, r)| c.outcome(w, r)).collect();
    let counted = outcomes.len() as i64;
    let met = outcomes.iter().filter(|o| o.on_time).count() as i64;
    let minutes: Vec<f64> = outcomes.iter().filter_map(|o| o.minutes).collect();
    ReportClock {
        counted,
        met,
        missed: counted - met,
        still_open: outcomes.iter().filter(|o| o.still_open).count() as i64,
        met_pct: pct(met, counted),
        median_minutes: percentile(&minutes, 0.5).map(|m| round(m, 1)),
        p90_minutes: percentile(&minutes, 0.9).map(|m| round(m, 1)),
    }
}

#[derive(Default)]
struct Counts {
    received: i64,
    closed: i64,
}

fn groups<K: Ord>(
    tickets: &[TicketFacts],
    w: &Window,
    key: impl Fn(&TicketFacts) -> K,
    show: impl Fn(&K) -> (String, String),
) -> Vec<ReportGroup> {
    let mut by: BTreeMap<K, Counts> = BTreeMap::new();
    for t in tickets {
        let (received, closed) = (w.contains(t.opened_at), w.has(t.closed_at));
        if received || closed {
            let c = by.entry(key(t)).or_default();
            c.received += i64::from(received);
            c.closed += i64::from(closed);
        }
    }
    by.into_iter()
        .map(|(k, c)| {
            let (key, label) = show(&k);
            ReportGroup {
                key,
                label,
                received: c.received,
                closed: c.closed,
            }
        })
        .collect()
}

/// Groups by a wire enum, in the enum's order.
fn enum_groups<E: Copy + PartialEq>(
    tickets: &[TicketFacts],
    w: &Window,
    all: &'static [E],
    name: fn(E) -> &'static str,
    pick: fn(&TicketFacts) -> E,
) -> Vec<ReportGroup> {
    groups(
        tickets,
        w,
        |t| all.iter().position(|e| *e == pick(t)),
        |i| {
            let n = i.and_then(|i| all.get(i)).map_or("unknown", |e| name(*e));
            (n.to_string(), n.to_string())
        },
    )
}

fn satisfaction(source: &str, scores: &[i32]) -> ReportSatisfaction {
    let n = scores.len() as i64;
    let sum: i64 = scores.iter().map(|s| i64::from(*s)).sum();
    ReportSatisfaction {
        source: source.into(),
        responses: n,
        average_score: (n > 0).then(|| round(sum as f64 / n as f64, 2)),
        satisfied_pct: pct(scores.iter().filter(|s| **s >= SATISFIED_MIN_SCORE).count() as i64, n),
        dissatisfied: scores.iter().filter(|s| **s <= UNSATISFIED_MAX_SCORE).count() as i64,
    }
}

fn name_of(names: &HashMap<i64, String>, id: i64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"))
}

/// Builds the report from the facts.
pub fn build(h: &Heading, f: &Facts) -> ServiceReport {
    let w = &h.window;
    let tickets = &f.tickets;
    let received = tickets.iter().filter(|t| w.contains(t.opened_at)).count() as i64;
    let closed: Vec<&TicketFacts> = tickets.iter().filter(|t| w.has(t.closed_at)).collect();
    let fcr = closed.iter().filter(|t| first_contact_resolved(t)).count() as i64;
    let unanswered = closed.iter().filter(|t| t.closed_without_answer).count() as i64;

    let clock = |pick: fn(&TicketFacts) -> &Clock| clock_figures(tickets.iter().map(|t| (pick(t), t.resolved_at)), w);
    let response = clock(|t| &t.response);
    let departure = clock(|t| &t.departure);
    let arrival = clock(|t| &t.arrival);
    let resolution = clock(|t| &t.resolution);
    let callback = clock(|t| &t.callback);
    let breached_tickets = tickets
        .iter()
        .filter(|t| {
            t.clocks()
                .iter()
                .any(|c| c.outcome(w, t.resolved_at).is_some_and(|o| !o.on_time))
        })
        .count() as i64;

    let mut escalations: BTreeMap<u8, ReportEscalations> = BTreeMap::new();
    for e in &f.escalations {
        let x = escalations.entry(e.to.rank()).or_insert(ReportEscalations {
            tier: e.to,
            count: 0,
            skipped_tier: 0,
            automatic: 0,
        });
        x.count += 1;
        x.skipped_tier += i64::from(e.skipped_tier);
        x.automatic += i64::from(e.automatic);
    }

    let mut faults: Vec<&MajorFaultFact> = f.major_faults.iter().collect();
    faults.sort_by_key(|m| (m.fault.occurred_at, m.fault.ticket_id.0));
    let major_faults = ReportMajorFaults {
        declared: faults.iter().filter(|m| w.contains(m.reported_at)).count() as i64,
        ended: faults.iter().filter(|m| w.has(m.fault.ended_at)).count() as i64,
        open_at_end: faults
            .iter()
            .filter(|m| m.fault.occurred_at < w.to && m.fault.ended_at.is_none_or(|e| e >= w.to))
            .count() as i64,
        faults: faults.iter().take(MAX_FAULTS_LISTED).map(|m| m.fault.clone()).collect(),
    };

    let revisits = ReportRevisits {
        done: f.revisits.len() as i64,
        reached: f.revisits.iter().filter(|r| r.reached).count() as i64,
        tickets_opened: f.revisits.iter().filter(|r| r.opened_ticket).count() as i64,
    };
    let mut by_source: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for s in &f.satisfaction {
        by_source.entry(s.source).or_default().push(s.score);
    }
    let all: Vec<i32> = f.satisfaction.iter().map(|s| s.score).collect();
    let mut sat = vec![satisfaction("all", &all)];
    sat.extend(by_source.iter().map(|(source, scores)| satisfaction(source, scores)));

    ServiceReport {
        kind: h.period.kind,
        period: h.period.label(),
        from: h.period.from,
        to: h.period.to,
        time_zone: h.time_zone.clone(),
        account_manager_id: h.account_manager.map(UserId),
        generated_at: w.now,
        tickets: ReportTickets {
            received,
            closed: closed.len() as i64,
            closed_without_answer: unanswered,
            cancelled: f.cancelled,
            first_contact_resolved: fcr,
            first_contact_rate_pct: pct(fcr, closed.len() as i64),
        },
        intake: intake(tickets, w),
        by_channel: enum_groups(tickets, w, Channel::ALL, Channel::as_str, |t| t.channel),
        by_kind: enum_groups(tickets, w, RequestKind::ALL, RequestKind::as_str, |t| t.kind),
        by_customer_tier: enum_groups(tickets, w, Tier::ALL, Tier::as_str, |t| t.tier),
        by_region: {
            let label = |r: Option<i64>| match r {
                Some(r) => f.regions.get(&r).cloned().unwrap_or_else(|| format!("region {r}")),
                None => "none".into(),
            };
            // Named regions by name, tickets without a region last.
            groups(
                tickets,
                w,
                |t| (t.region.is_none(), label(t.region), t.region),
                |(_, name, r)| (r.map_or("none".into(), |r| r.to_string()), name.clone()),
            )
        },
        sla: ReportSla {
            breaches: response.missed + departure.missed + arrival.missed + resolution.missed + callback.missed,
            breached_tickets,
            response,
            departure,
            arrival,
            resolution,
            callback,
        },
        escalations: escalations.into_values().collect(),
        major_faults,
        revisits,
        quotes: quotes(&f.quotes),
        satisfaction: sat,
        technicians: technicians(&f.visits, &f.names),
        agents: agents(tickets, &f.revisits, w, &f.names),
        complaints: super::complaint::report(&f.complaints, w),
        chases: super::stall::report_chases(&f.chases, w.to.min(w.now)),
        quality: match h.account_manager {
            Some(_) => Default::default(),
            None => super::quality::report_section(&f.quality, w),
        },
    }
}

/// Intake by channel: every channel, received in the window, share, response clocks settled.
pub fn intake(tickets: &[TicketFacts], w: &Window) -> Vec<ReportIntake> {
    let all = tickets.iter().filter(|t| w.contains(t.opened_at)).count() as i64;
    Channel::ALL
        .iter()
        .map(|&channel| {
            let mine: Vec<&TicketFacts> = tickets.iter().filter(|t| t.channel == channel).collect();
            let received = mine.iter().filter(|t| w.contains(t.opened_at)).count() as i64;
            let responses = clock_figures(mine.iter().map(|t| (&t.response, t.resolved_at)), w);
            ReportIntake {
                channel,
                received,
                share_pct: pct(received, all),
                responses_counted: responses.counted,
                responses_met: responses.met,
                response_met_pct: responses.met_pct,
            }
        })
        .collect()
}

/// Quotes made in the period, and answers (approved, declined) recorded in it.
fn quotes(facts: &[QuoteFact]) -> ReportQuotes {
    let answered = |s: QuoteStatus| facts.iter().filter(|q| q.answered_in_period == Some(s)).count() as i64;
    ReportQuotes {
        made: facts.iter().filter(|q| q.made_in_period).count() as i64,
        approved: answered(QuoteStatus::Approved),
        declined: answered(QuoteStatus::Declined),
    }
}

fn technicians(visits: &[VisitFact], names: &HashMap<i64, String>) -> Vec<ReportTechnician> {
    let mut by: BTreeMap<i64, Vec<&VisitFact>> = BTreeMap::new();
    for v in visits {
        by.entry(v.technician).or_default().push(v);
    }
    let mut out: Vec<ReportTechnician> = by
        .into_iter()
        .map(|(id, vs)| {
            let completed: Vec<&&VisitFact> = vs.iter().filter(|v| v.status == VisitStatus::Completed).collect();
            let minutes: Vec<f64> = completed
                .iter()
                .filter_map(|v| v.minutes_on_site.map(f64::from))
                .collect();
            ReportTechnician {
                user_id: UserId(id),
                display_name: name_of(names, id),
                visits_completed: completed.len() as i64,
                visits_failed: vs.len() as i64 - completed.len() as i64,
                checked_in_on_time: vs
                    .iter()
                    .filter(|v| v.checked_in_at.is_some_and(|c| c <= v.window_end))
                    .count() as i64,
                median_minutes_on_site: percentile(&minutes, 0.5).map(|m| round(m, 1)),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.visits_completed
            .cmp(&a.visits_completed)
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    out
}

fn agents(
    tickets: &[TicketFacts],
    revisits: &[RevisitFact],
    w: &Window,
    names: &HashMap<i64, String>,
) -> Vec<ReportAgent> {
    let mut by: BTreeMap<i64, ReportAgent> = BTreeMap::new();
    let mut touch = |id: i64, f: &dyn Fn(&mut ReportAgent)| {
        let a = by.entry(id).or_insert_with(|| ReportAgent {
            user_id: UserId(id),
            display_name: name_of(names, id),
            received: 0,
            closed: 0,
            first_contact_resolved: 0,
            responses_counted: 0,
            responses_met: 0,
            revisits_done: 0,
        });
        f(a);
    };
    for t in tickets {
        let received = w.contains(t.opened_at);
        let closed = w.has(t.closed_at);
        let fcr = closed && first_contact_resolved(t);
        let response = t.response.outcome(w, t.resolved_at);
        if received || closed || response.is_some() {
            touch(t.owner, &|a| {
                a.received += i64::from(received);
                a.closed += i64::from(closed);
                a.first_contact_resolved += i64::from(fcr);
                a.responses_counted += i64::from(response.is_some());
                a.responses_met += i64::from(response.is_some_and(|o| o.on_time));
            });
        }
    }
    for r in revisits {
        if let Some(by) = r.done_by {
            touch(by, &|a| a.revisits_done += 1);
        }
    }
    let mut out: Vec<ReportAgent> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.closed
            .cmp(&a.closed)
            .then_with(|| b.received.cmp(&a.received))
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    out
}

// ---------------------------------------------------------------- CSV

/// The CSV header: every figure is one row of `section,key,label,metric,value`.
pub const CSV_HEADER: &str = "section,key,label,metric,value";

/// One CSV field: quoted when it holds a comma, quote or line break; a text that a spreadsheet
/// would take for a formula is prefixed with `'`.
pub(crate) fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

struct Csv(String);

impl Csv {
    fn row(&mut self, section: &str, key: &str, label: &str, metric: &str, value: impl ToString) {
        let cells = [section, key, label, metric].map(field);
        self.0.push_str(&cells.join(","));
        self.0.push(',');
        self.0.push_str(&field(&value.to_string()));
        self.0.push_str("\r\n");
    }

    fn opt(&mut self, section: &str, key: &str, label: &str, metric: &str, value: Option<f64>) {
        self.row(
            section,
            key,
            label,
            metric,
            value.map(|v| v.to_string()).unwrap_or_default(),
        );
    }
}

/// The report as CSV (RFC 4180, CRLF line ends): the header, then one row per figure. Empty
/// `key` and `label` for the whole period's figures, an empty `value` for a figure without a
/// value (a percentage of nothing). Sections, in order: `report` (kind, period, from, to,
/// time_zone, account_manager_id, generated_at), `tickets`, `intake` (key: the channel; received,
/// share_pct, responses_counted, responses_met, response_met_pct), `channel`, `kind`, `customer_tier`,
/// `region` (key: id or `none`; label: name), `sla` (key: response, departure, arrival,
/// resolution, callback; and the breach totals without a key), `escalations` (key: the tier
/// reached; count, skipped_tier, automatic),
/// `major_faults`, `major_fault` (key: ticket number; label: customer), `revisits`, `quotes`,
/// `satisfaction` (key: `all` or the source), `technician` and `agent` (key: user id; label:
/// name), `chases` (made, answered, overdue, climbed), `chase_agent` (key: user id; label: name)
/// and `chase_team` (key: team id or `none`; label: team name); then the complaint sections of
/// [`super::complaint::csv_rows`]; then `quality` (reviews_done, average_score, disputes,
/// disputes_decided, scores_changed).
pub fn csv(r: &ServiceReport) -> String {
    let mut c = Csv(format!("{CSV_HEADER}\r\n"));
    let am = r.account_manager_id.map(|a| a.0.to_string()).unwrap_or_default();
    for (metric, value) in [
        ("kind", r.kind.as_str().to_string()),
        ("period", r.period.clone()),
        ("from", r.from.to_string()),
        ("to", r.to.to_string()),
        ("time_zone", r.time_zone.clone()),
        ("account_manager_id", am),
        ("generated_at", r.generated_at.to_rfc3339()),
    ] {
        c.row("report", "", "", metric, value);
    }
    let t = &r.tickets;
    c.row("tickets", "", "", "received", t.received);
    c.row("tickets", "", "", "closed", t.closed);
    c.row("tickets", "", "", "closed_without_answer", t.closed_without_answer);
    c.row("tickets", "", "", "cancelled", t.cancelled);
    c.row("tickets", "", "", "first_contact_resolved", t.first_contact_resolved);
    c.opt("tickets", "", "", "first_contact_rate_pct", t.first_contact_rate_pct);
    for i in &r.intake {
        let key = i.channel.as_str();
        c.row("intake", key, "", "received", i.received);
        c.opt("intake", key, "", "share_pct", i.share_pct);
        c.row("intake", key, "", "responses_counted", i.responses_counted);
        c.row("intake", key, "", "responses_met", i.responses_met);
        c.opt("intake", key, "", "response_met_pct", i.response_met_pct);
    }
    for (section, groups) in [
        ("channel", &r.by_channel),
        ("kind", &r.by_kind),
        ("customer_tier", &r.by_customer_tier),
        ("region", &r.by_region),
    ] {
        for g in groups {
            c.row(section, &g.key, &g.label, "received", g.received);
            c.row(section, &g.key, &g.label, "closed", g.closed);
        }
    }
    let s = &r.sla;
    for (key, k) in [
        ("response", &s.response),
        ("departure", &s.departure),
        ("arrival", &s.arrival),
        ("resolution", &s.resolution),
        ("callback", &s.callback),
    ] {
        c.row("sla", key, "", "counted", k.counted);
        c.row("sla", key, "", "met", k.met);
        c.row("sla", key, "", "missed", k.missed);
        c.row("sla", key, "", "still_open", k.still_open);
        c.opt("sla", key, "", "met_pct", k.met_pct);
        c.opt("sla", key, "", "median_minutes", k.median_minutes);
        c.opt("sla", key, "", "p90_minutes", k.p90_minutes);
    }
    c.row("sla", "", "", "breaches", s.breaches);
    c.row("sla", "", "", "breached_tickets", s.breached_tickets);
    for e in &r.escalations {
        c.row("escalations", e.tier.as_str(), "", "count", e.count);
        c.row("escalations", e.tier.as_str(), "", "skipped_tier", e.skipped_tier);
        c.row("escalations", e.tier.as_str(), "", "automatic", e.automatic);
    }
    let m = &r.major_faults;
    c.row("major_faults", "", "", "declared", m.declared);
    c.row("major_faults", "", "", "ended", m.ended);
    c.row("major_faults", "", "", "open_at_end", m.open_at_end);
    for f in &m.faults {
        let ended = f.ended_at.map(|e| e.to_rfc3339()).unwrap_or_default();
        c.row(
            "major_fault",
            &f.ticket_number,
            &f.customer_name,
            "location",
            &f.location,
        );
        c.row(
            "major_fault",
            &f.ticket_number,
            &f.customer_name,
            "occurred_at",
            f.occurred_at.to_rfc3339(),
        );
        c.row("major_fault", &f.ticket_number, &f.customer_name, "ended_at", ended);
    }
    c.row("revisits", "", "", "done", r.revisits.done);
    c.row("revisits", "", "", "reached", r.revisits.reached);
    c.row("revisits", "", "", "tickets_opened", r.revisits.tickets_opened);
    c.row("quotes", "", "", "made", r.quotes.made);
    c.row("quotes", "", "", "approved", r.quotes.approved);
    c.row("quotes", "", "", "declined", r.quotes.declined);
    for s in &r.satisfaction {
        c.row("satisfaction", &s.source, "", "responses", s.responses);
        c.opt("satisfaction", &s.source, "", "average_score", s.average_score);
        c.opt("satisfaction", &s.source, "", "satisfied_pct", s.satisfied_pct);
        c.row("satisfaction", &s.source, "", "dissatisfied", s.dissatisfied);
    }
    for t in &r.technicians {
        let (id, name) = (t.user_id.0.to_string(), &t.display_name);
        c.row("technician", &id, name, "visits_completed", t.visits_completed);
        c.row("technician", &id, name, "visits_failed", t.visits_failed);
        c.row("technician", &id, name, "checked_in_on_time", t.checked_in_on_time);
        c.opt(
            "technician",
            &id,
            name,
            "median_minutes_on_site",
            t.median_minutes_on_site,
        );
    }
    for a in &r.agents {
        let (id, name) = (a.user_id.0.to_string(), &a.display_name);
        c.row("agent", &id, name, "received", a.received);
        c.row("agent", &id, name, "closed", a.closed);
        c.row("agent", &id, name, "first_contact_resolved", a.first_contact_resolved);
        c.row("agent", &id, name, "responses_counted", a.responses_counted);
        c.row("agent", &id, name, "responses_met", a.responses_met);
        c.row("agent", &id, name, "revisits_done", a.revisits_done);
    }
    for (section, key, metric, value) in super::complaint::csv_rows(&r.complaints) {
        c.row(section, &key, "", metric, value);
    }
    let ch = &r.chases;
    c.row("chases", "", "", "made", ch.made);
    c.row("chases", "", "", "answered", ch.answered);
    c.row("chases", "", "", "overdue", ch.overdue);
    c.row("chases", "", "", "climbed", ch.climbed);
    for (section, groups) in [("chase_agent", &ch.by_agent), ("chase_team", &ch.by_team)] {
        for g in groups {
            c.row(section, &g.key, &g.label, "made", g.made);
            c.row(section, &g.key, &g.label, "answered", g.answered);
            c.row(section, &g.key, &g.label, "overdue", g.overdue);
        }
    }
    let q = &r.quality;
    c.row("quality", "", "", "reviews_done", q.reviews_done);
    c.opt("quality", "", "", "average_score", q.average_score);
    c.row("quality", "", "", "disputes", q.disputes);
    c.row("quality", "", "", "disputes_decided", q.disputes_decided);
    c.row("quality", "", "", "scores_changed", q.scores_changed);
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(h: i64) -> DateTime<Utc> {
        "2026-11-16T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(h)
    }

    /// Monday 2026-11-16 00:00 UTC for a week; now a day after.
    fn week() -> Window {
        Window {
            from: t(0),
            to: t(7 * 24),
            now: t(8 * 24),
        }
    }

    fn clock(start: i64, due: i64, met: Option<i64>) -> Clock {
        Clock {
            start: Some(t(start)),
            due: Some(t(due)),
            met: met.map(t),
        }
    }

    fn ticket(id: i64) -> TicketFacts {
        TicketFacts {
            id,
            channel: Channel::Phone,
            kind: RequestKind::Fault,
            tier: Tier::Standard,
            region: None,
            owner: 1,
            ladder_tier: LadderTier::Hotline,
            opened_at: t(1),
            resolved_at: None,
            closed_at: None,
            callback_requested: false,
            refused: false,
            closed_without_answer: false,
            response: clock(1, 3, Some(2)),
            departure: Clock::default(),
            arrival: Clock::default(),
            resolution: clock(1, 37, None),
            callback: Clock::default(),
        }
    }

    #[test]
    fn intake_lists_every_channel_with_its_share_and_responses() {
        let w = week();
        let phone = ticket(1);
        let mut late_phone = ticket(2);
        late_phone.response = clock(1, 3, Some(5));
        let mut email = ticket(3);
        email.channel = Channel::Email;
        email.response = clock(1, 20, Some(10));
        let mut old_web = ticket(4);
        old_web.channel = Channel::Web;
        old_web.opened_at = t(-48);
        old_web.response = clock(-48, -40, Some(-45));
        let mut web = ticket(5);
        web.channel = Channel::Web;
        let rows = intake(&[phone, late_phone, email, old_web, web], &w);
        let channels: Vec<Channel> = rows.iter().map(|r| r.channel).collect();
        assert_eq!(channels, Channel::ALL, "every channel, in order");
        let of = |c: Channel| rows.iter().find(|r| r.channel == c).unwrap().clone();
        let p = of(Channel::Phone);
        assert_eq!((p.received, p.share_pct), (2, Some(50.0)));
        assert_eq!(
            (p.responses_counted, p.responses_met, p.response_met_pct),
            (2, 1, Some(50.0))
        );
        let e = of(Channel::Email);
        assert_eq!((e.received, e.share_pct, e.responses_met), (1, Some(25.0), 1));
        let web = of(Channel::Web);
        assert_eq!(
            (web.received, web.responses_counted),
            (1, 1),
            "the older one settled before the week"
        );
        let m = of(Channel::Mobile);
        assert_eq!((m.received, m.share_pct, m.response_met_pct), (0, Some(0.0), None));
        assert!(intake(&[], &w).iter().all(|r| r.share_pct.is_none()));
        let report = build(
            &Heading {
                period: Period::week(IsoWeek::of(d("2026-11-16"))),
                window: w,
                time_zone: "UTC".into(),
                account_manager: None,
            },
            &Facts {
                tickets: vec![ticket(1)],
                ..Facts::default()
            },
        );
        assert_eq!(report.intake.len(), Channel::ALL.len());
        assert!(csv(&report).contains("intake,phone,,received,1\r\n"));
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[40.0, 10.0, 30.0, 20.0], 0.5), Some(25.0));
        assert_eq!(percentile(&[40.0, 10.0, 30.0, 20.0], 0.9), Some(37.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 0.5), Some(5.5));
        assert!((percentile(&ten, 0.9).unwrap() - 9.1).abs() < 1e-9);
        assert_eq!(percentile(&[30.0, 60.0, 240.0], 0.9), Some(204.0));
        assert_eq!(pct(2, 3), Some(66.7));
        assert_eq!(pct(0, 0), None);
    }

    #[test]
    fn a_clock_counts_once_in_the_period_its_outcome_settled() {
        let w = week();
        // Met on time inside the week.
        let o = clock(1, 3, Some(2)).outcome(&w, None).unwrap();
        assert!(o.on_time && !o.still_open);
        assert_eq!(o.minutes, Some(60.0));
        // Met exactly at the due time is on time.
        assert!(clock(1, 3, Some(3)).outcome(&w, None).unwrap().on_time);
        // Missed: counted at its due time, with its duration once met.
        let o = clock(1, 3, Some(5)).outcome(&w, None).unwrap();
        assert_eq!((o.on_time, o.still_open, o.minutes), (false, false, Some(240.0)));
        // Missed and not met yet.
        let o = clock(1, 3, None).outcome(&w, None).unwrap();
        assert_eq!((o.on_time, o.still_open, o.minutes), (false, true, None));
        // Due in the week but missed only the week after: counted then, not now.
        assert_eq!(clock(160, 170, Some(171)).outcome(&w, None), None);
        let next = Window {
            from: t(168),
            to: t(336),
            now: t(400),
        };
        assert!(!clock(160, 170, Some(171)).outcome(&next, None).unwrap().on_time);
        // Due before the week, met late inside it: it broke before, it is not counted again.
        assert_eq!(clock(-10, -5, Some(3)).outcome(&w, None), None);
        // Not due yet.
        let early = Window { now: t(10), ..w };
        assert_eq!(clock(1, 37, None).outcome(&early, None), None);
        // A ticket resolved before the clock was due: it no longer runs.
        assert_eq!(clock(1, 37, None).outcome(&w, Some(t(20))), None);
        // Resolved after it was due without meeting it: missed, not open.
        let o = clock(1, 3, None).outcome(&w, Some(t(20))).unwrap();
        assert_eq!((o.on_time, o.still_open), (false, false));
        assert_eq!(Clock::default().outcome(&w, None), None);
    }

    #[test]
    fn clock_figures_give_met_percent_median_and_p90() {
        let w = week();
        let clocks = [
            clock(0, 2, Some(1)),  // 60 min, met
            clock(0, 2, Some(2)),  // 120 min, met
            clock(0, 2, Some(4)),  // 240 min, missed
            clock(10, 12, None),   // missed, open
            clock(400, 402, None), // beyond the week
        ];
        let f = clock_figures(clocks.iter().map(|c| (c, None)), &w);
        assert_eq!((f.counted, f.met, f.missed, f.still_open), (4, 2, 2, 1));
        assert_eq!(f.met_pct, Some(50.0));
        assert_eq!(f.median_minutes, Some(120.0));
        assert_eq!(f.p90_minutes, Some(216.0));
        let none = clock_figures(std::iter::empty(), &w);
        assert_eq!((none.counted, none.met_pct, none.median_minutes), (0, None, None));
    }

    #[test]
    fn first_contact_resolution_stays_on_the_hotline_without_callback_or_refusal() {
        let mut x = ticket(1);
        assert!(!first_contact_resolved(&x), "not closed");
        x.closed_at = Some(t(5));
        assert!(first_contact_resolved(&x));
        for change in [
            (|t: &mut TicketFacts| t.ladder_tier = LadderTier::Remote) as fn(&mut TicketFacts),
            |t| t.callback_requested = true,
            |t| t.refused = true,
        ] {
            let mut y = x.clone();
            change(&mut y);
            assert!(!first_contact_resolved(&y));
        }
    }

    #[test]
    fn the_report_groups_counts_and_scores() {
        let w = week();
        let mut a = ticket(1);
        a.closed_at = Some(t(5));
        a.resolved_at = Some(t(4));
        a.resolution = clock(1, 37, Some(4));
        a.region = Some(9);
        let mut b = ticket(2);
        b.channel = Channel::Email;
        b.kind = RequestKind::Complaint;
        b.tier = Tier::Gold;
        b.owner = 2;
        b.ladder_tier = LadderTier::Onsite;
        b.response = clock(1, 3, Some(6));
        let mut old = ticket(3);
        old.opened_at = t(-100);
        old.response = clock(-100, -98, Some(-99));
        old.resolution = clock(-100, -60, Some(-70));
        old.resolved_at = Some(t(-70));
        old.closed_at = Some(t(2));
        old.refused = true;
        let facts = Facts {
            tickets: vec![a, b, old],
            escalations: vec![
                EscalationFact {
                    to: LadderTier::Onsite,
                    skipped_tier: true,
                    automatic: false,
                },
                EscalationFact {
                    to: LadderTier::Remote,
                    skipped_tier: false,
                    automatic: true,
                },
            ],
            revisits: vec![
                RevisitFact {
                    done_by: Some(1),
                    reached: true,
                    opened_ticket: false,
                },
                RevisitFact {
                    done_by: Some(1),
                    reached: false,
                    opened_ticket: true,
                },
            ],
            satisfaction: vec![
                SatisfactionSample {
                    source: "revisit",
                    score: 5,
                },
                SatisfactionSample {
                    source: "survey",
                    score: 2,
                },
            ],
            visits: vec![
                VisitFact {
                    technician: 7,
                    status: VisitStatus::Completed,
                    checked_in_at: Some(t(10)),
                    window_end: t(12),
                    minutes_on_site: Some(90),
                },
                VisitFact {
                    technician: 7,
                    status: VisitStatus::Failed,
                    checked_in_at: Some(t(13)),
                    window_end: t(12),
                    minutes_on_site: None,
                },
            ],
            quotes: vec![
                QuoteFact {
                    made_in_period: true,
                    answered_in_period: Some(QuoteStatus::Approved),
                },
                QuoteFact {
                    made_in_period: true,
                    answered_in_period: None,
                },
                QuoteFact {
                    made_in_period: false,
                    answered_in_period: Some(QuoteStatus::Declined),
                },
            ],
            cancelled: 2,
            names: HashMap::from([(1, "Li Wei".to_string()), (7, "Zhao Gang".to_string())]),
            regions: HashMap::from([(9, "Centre".to_string())]),
            ..Facts::default()
        };
        let h = Heading {
            period: Period::week(IsoWeek::of(d("2026-11-16"))),
            window: w,
            time_zone: "UTC".into(),
            account_manager: None,
        };
        let r = build(&h, &facts);
        assert_eq!(r.period, "2026-W47");
        assert_eq!((r.tickets.received, r.tickets.closed), (2, 2));
        assert_eq!(r.tickets.first_contact_resolved, 1, "the refused one is not");
        assert_eq!(r.tickets.cancelled, 2, "counted apart from the closed");
        assert_eq!(r.tickets.first_contact_rate_pct, Some(50.0));
        let keyed = |g: &[ReportGroup]| -> Vec<(String, i64, i64)> {
            g.iter().map(|g| (g.label.clone(), g.received, g.closed)).collect()
        };
        assert_eq!(keyed(&r.by_channel), [("phone".into(), 1, 2), ("email".into(), 1, 0)]);
        assert_eq!(
            keyed(&r.by_customer_tier),
            [("standard".into(), 1, 2), ("gold".into(), 1, 0)]
        );
        assert_eq!(keyed(&r.by_kind), [("fault".into(), 1, 2), ("complaint".into(), 1, 0)]);
        assert_eq!(keyed(&r.by_region), [("Centre".into(), 1, 1), ("none".into(), 1, 1)]);
        assert_eq!(r.by_region[0].key, "9");
        assert_eq!((r.sla.response.counted, r.sla.response.met), (2, 1));
        assert_eq!(r.sla.resolution.counted, 2, "met on time, and b's missed and open");
        assert_eq!((r.sla.breaches, r.sla.breached_tickets), (2, 1));
        assert_eq!(r.escalations.len(), 2);
        assert_eq!(r.escalations[0].tier, LadderTier::Remote);
        assert_eq!((r.escalations[1].count, r.escalations[1].skipped_tier), (1, 1));
        assert_eq!((r.escalations[0].automatic, r.escalations[1].automatic), (1, 0));
        assert_eq!(
            (r.revisits.done, r.revisits.reached, r.revisits.tickets_opened),
            (2, 1, 1)
        );
        assert_eq!(
            (r.quotes.made, r.quotes.approved, r.quotes.declined),
            (2, 1, 1),
            "made in the period; answers recorded in it"
        );
        assert!(csv(&r).contains("quotes,,,made,2\r\n"));
        assert_eq!(r.satisfaction.len(), 3);
        assert_eq!(r.satisfaction[0].source, "all");
        assert_eq!(r.satisfaction[0].average_score, Some(3.5));
        assert_eq!(r.satisfaction[0].satisfied_pct, Some(50.0));
        assert_eq!(r.satisfaction[0].dissatisfied, 1);
        assert_eq!(r.satisfaction[1].source, "revisit");
        assert_eq!(r.satisfaction[2].source, "survey");
        let tech = &r.technicians[0];
        assert_eq!(tech.display_name, "Zhao Gang");
        assert_eq!(
            (tech.visits_completed, tech.visits_failed, tech.checked_in_on_time),
            (1, 1, 1)
        );
        assert_eq!(tech.median_minutes_on_site, Some(90.0));
        let li = r.agents.iter().find(|a| a.user_id.0 == 1).unwrap();
        assert_eq!(
            (li.received, li.closed, li.first_contact_resolved, li.revisits_done),
            (1, 2, 1, 2)
        );
        assert_eq!((li.responses_counted, li.responses_met), (1, 1));
        let other = r.agents.iter().find(|a| a.user_id.0 == 2).unwrap();
        assert_eq!(other.display_name, "user 2");

        let text = csv(&r);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert!(lines.contains(&"report,,,period,2026-W47"));
        assert!(lines.contains(&"tickets,,,first_contact_rate_pct,50"));
        assert!(lines.contains(&"region,9,Centre,received,1"));
        assert!(lines.contains(&"sla,response,,met_pct,50"));
        assert!(lines.contains(&"sla,arrival,,met_pct,"));
        assert!(lines.contains(&"escalations,onsite,,skipped_tier,1"));
        assert!(lines.contains(&"escalations,remote,,automatic,1"));
        assert!(lines.contains(&"kind,fault,fault,received,1"));
        assert!(lines.contains(&"sla,departure,,counted,0"));
        assert!(lines.contains(&"agent,1,Li Wei,revisits_done,2"));
        assert!(
            lines.iter().all(|l| l.is_empty() || l.split(',').count() == 5),
            "{text}"
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn periods_lie_in_plausible_years() {
        let today = d("2026-12-03");
        let custom = |a, b| Period::custom(Some(a), Some(b)).unwrap().plausible(today);
        assert!(custom("2026-11-01", "2026-11-30").is_ok());
        assert_eq!(custom("0001-01-01", "0001-12-31").unwrap_err().field, "from");
        assert_eq!(custom("2036-12-01", "2036-12-31").unwrap_err().field, "to");
        let month = Period::parse_month("month", "1999-12").unwrap();
        assert_eq!(month.plausible(today).unwrap_err().field, "month");
        let week = Period::week(IsoWeek::parse("week", "9999-W01").unwrap());
        assert_eq!(week.plausible(today).unwrap_err().field, "week");
    }

    #[test]
    fn periods_are_weeks_months_or_chosen_days() {
        let p = Period::custom(Some("2026-11-01"), Some("2026-11-30")).unwrap();
        assert_eq!(
            (p.kind, p.label()),
            (ReportKind::Custom, "2026-11-01..2026-11-30".into())
        );
        assert_eq!(p.end(), d("2026-12-01"));
        assert_eq!(Period::custom(None, Some("2026-11-30")).unwrap_err().field, "from");
        assert_eq!(Period::custom(Some("2026-11-01"), None).unwrap_err().field, "to");
        assert_eq!(
            Period::custom(Some("2026-13-01"), Some("2026-11-30"))
                .unwrap_err()
                .field,
            "from"
        );
        assert_eq!(
            Period::custom(Some("2026-11-02"), Some("2026-11-01"))
                .unwrap_err()
                .field,
            "to"
        );
        assert!(Period::custom(Some("2026-01-01"), Some("2026-12-31")).is_ok());
        assert!(
            Period::custom(Some("2025-12-31"), Some("2026-12-31")).is_ok(),
            "366 days"
        );
        assert_eq!(
            Period::custom(Some("2025-12-30"), Some("2026-12-31"))
                .unwrap_err()
                .field,
            "to"
        );

        let m = Period::parse_month("month", "2026-02").unwrap();
        assert_eq!(
            (m.from, m.to, m.label()),
            (d("2026-02-01"), d("2026-02-28"), "2026-02".into())
        );
        for bad in ["2026-13", "2026-2", "26-02", "2026/02", ""] {
            assert_eq!(Period::parse_month("month", bad).unwrap_err().field, "month", "{bad}");
        }
        assert_eq!(Period::month_of(d("2026-12-31")).next().from, d("2027-01-01"));

        let w = Period::previous(ReportKind::Weekly, d("2026-11-23"));
        assert_eq!(
            (w.from, w.to, w.label()),
            (d("2026-11-16"), d("2026-11-22"), "2026-W47".into())
        );
        assert_eq!(
            Period::previous(ReportKind::Weekly, d("2026-11-29")).label(),
            "2026-W47"
        );
        assert_eq!(
            Period::previous(ReportKind::Monthly, d("2026-12-01")).label(),
            "2026-11"
        );
        assert_eq!(
            Period::previous(ReportKind::Monthly, d("2026-11-30")).label(),
            "2026-10"
        );
        assert_eq!(
            Period::previous(ReportKind::Monthly, d("2027-01-05")).label(),
            "2026-12"
        );
    }

    #[test]
    fn the_job_owes_the_last_period_and_catches_up_from_the_last_one_sent() {
        let labels = |v: Vec<Period>| v.iter().map(Period::label).collect::<Vec<_>>();
        let monday = d("2026-12-07");
        assert_eq!(labels(due_periods(ReportKind::Weekly, monday, None, 8)), ["2026-W49"]);
        assert_eq!(
            labels(due_periods(ReportKind::Weekly, monday, Some(d("2026-11-16")), 8)),
            ["2026-W47", "2026-W48", "2026-W49"]
        );
        assert_eq!(
            labels(due_periods(ReportKind::Weekly, monday, Some(d("2026-11-30")), 8)),
            ["2026-W49"]
        );
        assert_eq!(
            labels(due_periods(ReportKind::Weekly, monday, Some(d("2026-11-16")), 2)),
            ["2026-W48", "2026-W49"],
            "at most the latest few"
        );
        assert_eq!(
            labels(due_periods(ReportKind::Monthly, monday, Some(d("2026-10-01")), 8)),
            ["2026-10", "2026-11"]
        );
        assert_eq!(labels(due_periods(ReportKind::Monthly, monday, None, 8)), ["2026-11"]);
    }
}
